"""Views: conflicts (see evaluation/urls.py)."""
