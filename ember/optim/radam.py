"""RAdam: Adam with a rectified variance of the adaptive learning rate."""

from ember._backend import array_module
from ember.optim.optimizer import (
    Optimizer,
    _bump,
    _check_eps_betas_wd,
    _check_lr,
    _check_not_differentiable,
    _effective_grad,
    _lerp_,
    _mul_addcmul_,
    _scalar,
    _Scratch,
    _step_tensor,
    _zeros_like,
)

__all__ = ["RAdam", "radam"]


class RAdam(Optimizer):
    """RAdam, as ``torch.optim.RAdam``."""

    _tensor_step = True

    _group_defaults = {
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "decoupled_weight_decay": False,
        "capturable": False,
    }

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        decoupled_weight_decay=False,
        *,
        foreach=None,
        maximize=False,
        capturable=False,
        differentiable=False,
    ):
        _check_lr(lr)
        _check_eps_betas_wd(eps, betas, weight_decay)
        _check_not_differentiable(differentiable)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "decoupled_weight_decay": decoupled_weight_decay,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        return {"step": _step_tensor(), "exp_avg": _zeros_like(p), "exp_avg_sq": _zeros_like(p)}

    _state_keys = (
        "exp_avg",
        "exp_avg_sq",
        "step",
    )

    def _update(self, group, params, grads, exp_avgs, exp_avg_sqs, steps):
        """One step of radam for ``group``'s parameters that have gradients."""
        beta1, beta2 = group["betas"]
        radam(
            params,
            grads,
            exp_avgs,
            exp_avg_sqs,
            steps,
            beta1=beta1,
            beta2=beta2,
            lr=group["lr"],
            weight_decay=group["weight_decay"],
            eps=group["eps"],
            decoupled_weight_decay=group["decoupled_weight_decay"],
            maximize=group["maximize"],
            scratch=self._scratch,
        )


def radam(
    params,
    grads,
    exp_avgs,
    exp_avg_sqs,
    state_steps,
    *,
    beta1,
    beta2,
    lr,
    weight_decay,
    eps,
    decoupled_weight_decay=False,
    maximize=False,
    scratch=None,
):
    """Functional RAdam: update ``params`` and the moment buffers in place."""
    scratch = scratch or _Scratch()
    lr = _scalar(lr)
    for i, param in enumerate(params):
        xp = array_module(param._data)
        p = param._data
        step_t = state_steps[i]._data
        step_t += 1
        step = float(step_t)
        coupled_wd = weight_decay
        if weight_decay != 0 and decoupled_weight_decay:
            p *= 1 - lr * weight_decay
            coupled_wd = 0
        g = _effective_grad(param, grads[i], coupled_wd, maximize, scratch)
        exp_avg, exp_avg_sq = exp_avgs[i]._data, exp_avg_sqs[i]._data
        tmp = scratch.get(p, 1)
        _lerp_(exp_avg, g, 1 - beta1, tmp)
        _mul_addcmul_(exp_avg_sq, beta2, g, 1 - beta2, tmp)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        update = xp.divide(exp_avg, bias_correction1, out=tmp)
        update *= lr
        # The variance of the adaptive lr is tractable only when rho_t > 5 (Liu et al.).
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
        if rho_t > 5.0:
            rect = (
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            ) ** 0.5
            adaptive = xp.sqrt(exp_avg_sq, out=scratch.get(p, 2))
            adaptive += eps
            xp.divide(bias_correction2**0.5, adaptive, out=adaptive)
            update *= adaptive
            update *= rect
        p -= update
        _bump(param)
