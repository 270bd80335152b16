"""Formatting, Jinja2 templates and WeasyPrint PDFs."""
