"""Views: decisions (see evaluation/urls.py)."""
