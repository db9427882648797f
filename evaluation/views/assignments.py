"""Views: assignments (see evaluation/urls.py)."""
