"""Functional compositions behind ember.nn.functional, one module per family."""
