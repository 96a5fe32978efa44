"""Adadelta: an adaptive learning rate from running averages of squared grads and updates."""

from ember._backend import array_module
from ember.optim.optimizer import (
    Optimizer,
    _bump,
    _check_lr,
    _check_not_differentiable,
    _effective_grad,
    _mul_addcmul_,
    _scalar,
    _Scratch,
    _step_tensor,
    _zeros_like,
)

__all__ = ["Adadelta", "adadelta"]


class Adadelta(Optimizer):
    """Adadelta, as ``torch.optim.Adadelta``."""

    _tensor_step = True

    _group_defaults = {
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "capturable": False,
    }

    def __init__(
        self,
        params,
        lr=1.0,
        rho=0.9,
        eps=1e-6,
        weight_decay=0,
        foreach=None,
        *,
        capturable=False,
        maximize=False,
        differentiable=False,
    ):
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        _check_not_differentiable(differentiable)
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        return {"step": _step_tensor(), "square_avg": _zeros_like(p), "acc_delta": _zeros_like(p)}

    _state_keys = (
        "square_avg",
        "acc_delta",
        "step",
    )

    def _update(self, group, params, grads, square_avgs, acc_deltas, steps):
        """One step of adadelta for ``group``'s parameters that have gradients."""
        adadelta(
            params,
            grads,
            square_avgs,
            acc_deltas,
            steps,
            lr=group["lr"],
            rho=group["rho"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
            scratch=self._scratch,
        )


def adadelta(
    params,
    grads,
    square_avgs,
    acc_deltas,
    state_steps,
    *,
    lr,
    rho,
    eps,
    weight_decay,
    maximize=False,
    scratch=None,
):
    """Functional Adadelta: update ``params`` and the running averages in place."""
    scratch = scratch or _Scratch()
    lr = _scalar(lr)
    for i, param in enumerate(params):
        xp = array_module(param._data)
        p = param._data
        state_steps[i]._data += 1
        g = _effective_grad(param, grads[i], weight_decay, maximize, scratch)
        square_avg, acc_delta = square_avgs[i]._data, acc_deltas[i]._data
        tmp = scratch.get(p, 1)
        _mul_addcmul_(square_avg, rho, g, 1 - rho, tmp)
        std = xp.add(square_avg, eps, out=scratch.get(p, 2))
        xp.sqrt(std, out=std)
        delta = xp.add(acc_delta, eps, out=scratch.get(p, 3))
        xp.sqrt(delta, out=delta)
        delta /= std
        delta *= g
        _mul_addcmul_(acc_delta, rho, delta, 1 - rho, tmp)
        update = xp.multiply(delta, -lr, out=delta)
        p += update
        _bump(param)
