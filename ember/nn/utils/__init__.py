"""``ember.nn.utils``: gradient clipping, parameter vectors, rnn packing."""

# ---- clip_grad, convert_parameters, parametrize ----
from ember.nn.utils import parametrizations, parametrize
from ember.nn.utils.clip_grad import (
    clip_grad_norm_,
    clip_grad_value_,
    clip_grads_with_norm_,
    get_total_norm,
)
from ember.nn.utils.convert_parameters import parameters_to_vector, vector_to_parameters
from ember.nn.utils.spectral_norm import remove_spectral_norm, spectral_norm
from ember.nn.utils.weight_norm import remove_weight_norm, weight_norm

# isort: split
# ---- rnn ----
from ember.nn.utils import rnn

__all__ = [name for name in dir() if not name.startswith("_")]
