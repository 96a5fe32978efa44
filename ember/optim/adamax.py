"""Adamax: Adam with the infinity norm of past gradients."""

from ember._backend import array_module
from ember.optim.optimizer import (
    Optimizer,
    _bump,
    _check_eps_betas_wd,
    _check_lr,
    _check_not_differentiable,
    _effective_grad,
    _lerp_,
    _scalar,
    _Scratch,
    _step_tensor,
    _zeros_like,
)

__all__ = ["Adamax", "adamax"]


class Adamax(Optimizer):
    """Adamax, as ``torch.optim.Adamax``."""

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
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        foreach=None,
        *,
        maximize=False,
        differentiable=False,
        capturable=False,
    ):
        _check_lr(lr)
        _check_eps_betas_wd(eps, betas, weight_decay)
        _check_not_differentiable(differentiable)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        return {"step": _step_tensor(), "exp_avg": _zeros_like(p), "exp_inf": _zeros_like(p)}

    _state_keys = (
        "exp_avg",
        "exp_inf",
        "step",
    )

    def _update(self, group, params, grads, exp_avgs, exp_infs, steps):
        """One step of adamax for ``group``'s parameters that have gradients."""
        beta1, beta2 = group["betas"]
        adamax(
            params,
            grads,
            exp_avgs,
            exp_infs,
            steps,
            eps=group["eps"],
            beta1=beta1,
            beta2=beta2,
            lr=group["lr"],
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
            scratch=self._scratch,
        )


def adamax(
    params,
    grads,
    exp_avgs,
    exp_infs,
    state_steps,
    *,
    eps,
    beta1,
    beta2,
    lr,
    weight_decay,
    maximize,
    scratch=None,
):
    """Functional Adamax: update ``params``, ``exp_avgs`` and ``exp_infs`` in place."""
    scratch = scratch or _Scratch()
    lr = _scalar(lr)
    for i, param in enumerate(params):
        xp = array_module(param._data)
        p = param._data
        step_t = state_steps[i]._data
        step_t += 1
        g = _effective_grad(param, grads[i], weight_decay, maximize, scratch)
        exp_avg, exp_inf = exp_avgs[i]._data, exp_infs[i]._data
        tmp = scratch.get(p, 1)
        _lerp_(exp_avg, g, 1 - beta1, tmp)
        exp_inf *= beta2
        norm = xp.abs(g, out=tmp)
        norm += eps
        xp.maximum(exp_inf, norm, out=exp_inf)
        clr = lr / (1 - beta1 ** float(step_t))
        update = xp.divide(exp_avg, exp_inf, out=tmp)
        update *= -clr
        p += update
        _bump(param)
