"""Start the Streamlit server on app.py (``homecrm serve``): the one place the CLI meets Streamlit."""

from __future__ import annotations

import os
import sys

from homecrm.config import PROJECT_ROOT


def run_app(*, database_url: str, port: int, address: str) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli as streamlit_cli

    # The app builds its menu with st.navigation. Streamlit would otherwise treat the pages/
    # folder as an old-style multipage app for the very first run after start-up, and a
    # bookmarked page (e.g. /quittances) would open with a spurious "Page not found" dialog.
    PagesManager.uses_pages_directory = False
    os.environ["HOMECRM_DATABASE_URL"] = database_url
    sys.argv = ["streamlit", "run", str(PROJECT_ROOT / "app.py"),
                "--server.port", str(port), "--server.address", address]
    streamlit_cli.main()
