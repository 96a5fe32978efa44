"""Testing helpers: ``assert_close`` and the PyTorch-oracle machinery used by ember's tests."""

from ember.testing.comparison import assert_close

__all__ = ["assert_close"]
