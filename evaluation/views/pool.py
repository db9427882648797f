"""Views: pool (see evaluation/urls.py)."""
