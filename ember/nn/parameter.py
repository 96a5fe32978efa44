"""Parameter and Buffer (nn-A)."""
