"""homecrm — Streamlit entry point: language, page chrome, sign-in, navigation. Pages live in pages/."""

from homecrm.ui.shell import apply_language, navigation, page_chrome

apply_language()
page_chrome()
navigation().run()
