"""Optimizers and learning-rate schedules, as ``torch.optim``."""
