"""Views: public (see evaluation/urls.py)."""
