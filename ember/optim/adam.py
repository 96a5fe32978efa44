"""Adam (and, with decoupled weight decay, AdamW): adaptive moment estimation."""

from ember._backend import array_module
from ember._tensor import Tensor
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

__all__ = ["Adam", "adam"]


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam`` (``decoupled_weight_decay=True`` is AdamW)."""

    _tensor_step = True

    _group_defaults = {
        "amsgrad": False,
        "maximize": False,
        "foreach": None,
        "capturable": False,
        "differentiable": False,
        "decoupled_weight_decay": False,
        "fused": None,
    }

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        amsgrad=False,
        *,
        foreach=None,
        maximize=False,
        capturable=False,
        differentiable=False,
        fused=None,
        decoupled_weight_decay=False,
    ):
        _check_lr(lr)
        _check_eps_betas_wd(eps, betas, weight_decay)
        if not (
            (isinstance(betas[0], float) and isinstance(betas[1], float))
            or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))
        ):
            raise ValueError("betas must be either both floats or both Tensors")
        for i in (0, 1):
            if isinstance(betas[i], Tensor) and betas[i].numel() != 1:
                raise ValueError(f"Tensor betas[{i}] must be 1-element")
        _check_not_differentiable(differentiable)
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        state = {"step": _step_tensor(), "exp_avg": _zeros_like(p), "exp_avg_sq": _zeros_like(p)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = _zeros_like(p)
        return state

    _state_keys = (
        "exp_avg",
        "exp_avg_sq",
        "max_exp_avg_sq",
        "step",
    )

    def _update(self, group, params, grads, exp_avgs, exp_avg_sqs, max_sqs, steps):
        """One step of adam for ``group``'s parameters that have gradients."""
        beta1, beta2 = group["betas"]
        adam(
            params,
            grads,
            exp_avgs,
            exp_avg_sqs,
            max_sqs,
            steps,
            amsgrad=group["amsgrad"],
            beta1=beta1,
            beta2=beta2,
            lr=group["lr"],
            weight_decay=group["weight_decay"],
            eps=group["eps"],
            maximize=group["maximize"],
            decoupled_weight_decay=group["decoupled_weight_decay"],
            scratch=self._scratch,
        )


def adam(
    params,
    grads,
    exp_avgs,
    exp_avg_sqs,
    max_exp_avg_sqs,
    state_steps,
    *,
    amsgrad,
    beta1,
    beta2,
    lr,
    weight_decay,
    eps,
    maximize,
    decoupled_weight_decay=False,
    scratch=None,
):
    """Functional Adam/AdamW: update ``params`` and the moment buffers in place."""
    scratch = scratch or _Scratch()
    lr, beta1, beta2 = _scalar(lr), _scalar(beta1), _scalar(beta2)
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
        step_size = lr / (1 - beta1**step)
        bias_correction2_sqrt = (1 - beta2**step) ** 0.5
        second = exp_avg_sq
        if amsgrad:
            second = xp.maximum(max_exp_avg_sqs[i]._data, exp_avg_sq, out=max_exp_avg_sqs[i]._data)
        denom = xp.sqrt(second, out=tmp)
        denom /= bias_correction2_sqrt
        denom += eps
        update = xp.divide(exp_avg, denom, out=tmp)
        update *= -step_size
        p += update
        _bump(param)
