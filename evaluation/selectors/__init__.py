"""Reads of the evaluation domain with logic, one module per area."""
