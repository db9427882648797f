"""Views: reviewer (see evaluation/urls.py)."""
