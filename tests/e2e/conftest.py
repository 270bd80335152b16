"""Browser journeys: `streamlit run app.py` on a free port, driven by Playwright in Debian's chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("HOMECRM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    reason = f"browser tests skipped: {CHROMIUM} not found (install Debian's chromium: apt-get install chromium)"
    print(f"\n[homecrm] {reason}", file=sys.stderr)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def app_server(tmp_path):
    """Start the app on a database prepared by the test; yields (base_url, database)."""
    servers = []

    def start(database, *, now: str | None = None, extra_env: dict | None = None) -> str:
        port = _free_port()
        env = {**os.environ, "HOMECRM_DATABASE_URL": database.url, **(extra_env or {})}
        if now:
            env["HOMECRM_NOW"] = now
        log = open(tmp_path / f"streamlit-{port}.log", "w")
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        servers.append((process, log))
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        return base
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"streamlit did not start; see {log.name}")

    yield start
    for process, log in servers:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def browser_page(tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(accept_downloads=True, locale="fr-FR", timezone_id="Europe/Paris",
                                      viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
        try:
            page.screenshot(path=str(tmp_path / "last.png"), full_page=True)
        finally:
            context.close()
            browser.close()


ADMIN_EMAIL = "admin@test.fr"
ADMIN_PASSWORD = "correct horse battery"


def sign_in(page, base: str, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> None:
    page.goto(base)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def choose(page, combobox, option: str, attempts: int = 4) -> None:
    """Pick ``option`` in a Streamlit select box. A click that lands while the script reruns (the
    element is being replaced) opens nothing, so it is tried again."""
    for attempt in range(attempts):
        settle(page)
        combobox.click()
        target = page.get_by_role("option", name=option)
        try:
            target.wait_for(timeout=5_000)
            target.click(timeout=5_000)  # the list may be redrawn under the pointer by a rerun
            return
        except Exception:  # noqa: BLE001 - playwright's TimeoutError
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")


def settle(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script (its "running" indicator is gone), so
    the next input lands on the final widgets rather than on ones about to be replaced."""
    page.wait_for_timeout(150)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"] [data-testid=\"stStatusWidgetRunningIcon\"]')"
        " && !document.querySelector('[data-testid=\"stStatusWidgetRunningManIcon\"]')",
        timeout=timeout)
