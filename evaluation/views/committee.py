"""Views: committee (see evaluation/urls.py)."""
