"""Streamlit-only helpers used by ``app.py`` and ``pages/``; the only Streamlit code in homecrm."""
