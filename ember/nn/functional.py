"""``ember.nn.functional``: the functional form of every layer, activation and loss.

The implementations live in ember/ops (the primitives) and ember/nn/_functional (compositions);
this module only re-exports them under PyTorch's names.
"""

# ---- activations, losses, dropout, embedding, linear (nn-A) ----

# ---- conv, pooling, normalization, padding, interpolate, fold (nn-B) ----

# ---- attention (nn-C) ----
