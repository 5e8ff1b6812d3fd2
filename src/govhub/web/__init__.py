"""Shared web pieces: templates, error pages, health, htmx helpers."""
