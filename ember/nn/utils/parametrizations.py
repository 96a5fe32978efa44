"""Ready-made parametrizations: weight_norm and spectral_norm.

Differences from PyTorch: ``orthogonal`` is not provided (it needs matrix_exp and Householder
products, which ember does not have yet).
"""

from ember import ops
from ember._backend import array_module
from ember._tensor import Tensor
from ember.autograd.grad_mode import no_grad
from ember.nn._functional.distance import normalize
from ember.nn.modules.module import Module
from ember.nn.utils.parametrize import register_parametrization

__all__ = ["weight_norm", "spectral_norm"]


def _norm_except_dim(v, dim):
    """The 2-norm of ``v`` over every dim but ``dim`` (all dims when ``dim == -1``), keeping a
    shape that broadcasts against ``v``."""
    if dim == -1:
        return v.norm(2)
    dim = dim % v.ndim
    shape = [1] * v.ndim
    shape[dim] = v.shape[dim]
    flat = v.transpose(0, dim).reshape((v.shape[dim], -1)) if dim else v.reshape((v.shape[0], -1))
    return flat.norm(2, 1).reshape(tuple(shape))


class _WeightNorm(Module):
    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return weight_v * (weight_g / _norm_except_dim(weight_v, self.dim))

    def right_inverse(self, weight):
        return _norm_except_dim(weight, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """Reparametrize ``module.<name>`` as ``g * v / |v|`` (originals ``original0`` = g and
    ``original1`` = v, as in PyTorch)."""
    register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(
        state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
    ):
        # Checkpoints of the hook-based nn.utils.weight_norm name the originals <name>_g/_v.
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(
                "Dimension out of range (expected to be in range of "
                f"[-{ndim}, {ndim - 1}] but got {dim})"
            )
        if n_power_iterations <= 0:
            raise ValueError(
                "Expected n_power_iterations to be positive, but got "
                f"n_power_iterations={n_power_iterations}"
            )
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.shape
            u = ops.empty((h,), dtype=weight.dtype, device=weight.device).normal_(0, 1)
            v = ops.empty((w,), dtype=weight.dtype, device=weight.device).normal_(0, 1)
            self.register_buffer("_u", normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", normalize(v, dim=0, eps=self.eps))
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        if self.dim != 0:
            order = (self.dim, *(d for d in range(weight.ndim) if d != self.dim))
            weight = weight.permute(order)
        return weight.reshape((weight.shape[0], -1))

    def _power_method(self, weight_mat, n_power_iterations):
        # In place on the buffers and outside the graph, as in PyTorch.
        with no_grad():
            w = weight_mat._data
            u, v = self._u._data, self._v._data
            norm = array_module(w).linalg.norm
            for _ in range(n_power_iterations):
                wv = w @ v
                u[...] = wv / max(float(norm(wv)), self.eps)
                wu = w.T @ u
                v[...] = wu / max(float(norm(wu)), self.eps)
            self._u._version.value += 1
            self._v._version.value += 1

    def forward(self, weight):
        if weight.ndim == 1:
            return normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()
        sigma = ops.vdot(u, ops.mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value):
        return value


def _is_conv_transpose(module):
    # By class name, so that this layer does not import the conv layers.
    names = ("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d")
    return any(cls.__name__ in names for cls in type(module).__mro__)


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Divide ``module.<name>`` by its spectral norm, estimated by power iteration."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if _is_conv_transpose(module) else 0
    register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
