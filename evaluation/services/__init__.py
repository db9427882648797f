"""State changes of the evaluation domain, one module per area (see the package modules)."""
