"""Views: campaigns (see evaluation/urls.py)."""
