"""Parameter initialisation, as ``torch.nn.init`` (nn-A)."""
