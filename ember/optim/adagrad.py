"""Adagrad: per-coordinate learning rates from the sum of squared gradients."""

from ember._backend import array_module
from ember._tensor import make_tensor
from ember.optim.optimizer import (
    Optimizer,
    _bump,
    _check_lr,
    _check_not_differentiable,
    _effective_grad,
    _scalar,
    _Scratch,
    _step_tensor,
)

__all__ = ["Adagrad", "adagrad"]


class Adagrad(Optimizer):
    """Adagrad, as ``torch.optim.Adagrad``."""

    _tensor_step = True

    _group_defaults = {
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "fused": None,
    }

    def __init__(
        self,
        params,
        lr=1e-2,
        lr_decay=0,
        weight_decay=0,
        initial_accumulator_value=0,
        eps=1e-10,
        foreach=None,
        *,
        maximize=False,
        differentiable=False,
        fused=None,
    ):
        _check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}"
            )
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_not_differentiable(differentiable)
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        # Adagrad creates its state up front, for every parameter, as PyTorch does.
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p].update(self._init_state(group, p))

    def _init_state(self, group, p):
        initial = array_module(p._data).full_like(p._data, group["initial_accumulator_value"])
        return {"step": _step_tensor(), "sum": make_tensor(initial)}

    _state_keys = (
        "sum",
        "step",
    )

    def _update(self, group, params, grads, state_sums, steps):
        """One step of adagrad for ``group``'s parameters that have gradients."""
        adagrad(
            params,
            grads,
            state_sums,
            steps,
            lr=group["lr"],
            weight_decay=group["weight_decay"],
            lr_decay=group["lr_decay"],
            eps=group["eps"],
            maximize=group["maximize"],
            scratch=self._scratch,
        )


def adagrad(
    params,
    grads,
    state_sums,
    state_steps,
    *,
    lr,
    weight_decay,
    lr_decay,
    eps,
    maximize=False,
    scratch=None,
):
    """Functional Adagrad: update ``params`` and ``state_sums`` in place."""
    scratch = scratch or _Scratch()
    lr = _scalar(lr)
    for i, param in enumerate(params):
        xp = array_module(param._data)
        p = param._data
        step_t = state_steps[i]._data
        step_t += 1
        g = _effective_grad(param, grads[i], weight_decay, maximize, scratch)
        clr = lr / (1 + (float(step_t) - 1) * lr_decay)
        state_sum = state_sums[i]._data
        tmp = scratch.get(p, 1)
        state_sum += xp.multiply(g, g, out=tmp)
        std = xp.sqrt(state_sum, out=tmp)
        std += eps
        update = xp.divide(g, std, out=std)
        update *= -clr
        p += update
        _bump(param)
