"""NAdam: Adam with Nesterov momentum (and momentum decay)."""

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

__all__ = ["NAdam", "nadam"]


class NAdam(Optimizer):
    """NAdam, as ``torch.optim.NAdam``."""

    _tensor_step = True

    _group_defaults = {
        "maximize": False,
        "foreach": None,
        "capturable": False,
        "differentiable": False,
        "decoupled_weight_decay": False,
    }

    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        momentum_decay=4e-3,
        decoupled_weight_decay=False,
        *,
        foreach=None,
        maximize=False,
        capturable=False,
        differentiable=False,
    ):
        _check_lr(lr)
        _check_eps_betas_wd(eps, betas, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        _check_not_differentiable(differentiable)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for p_state in self.state.values():
            if "mu_product" in p_state and not isinstance(p_state["mu_product"], Tensor):
                p_state["mu_product"] = _step_tensor(float(p_state["mu_product"]))

    def _init_state(self, group, p):
        return {
            "step": _step_tensor(),
            "mu_product": _step_tensor(1.0),
            "exp_avg": _zeros_like(p),
            "exp_avg_sq": _zeros_like(p),
        }

    _state_keys = (
        "exp_avg",
        "exp_avg_sq",
        "mu_product",
        "step",
    )

    def _update(self, group, params, grads, exp_avgs, exp_avg_sqs, mu_products, steps):
        """One step of nadam for ``group``'s parameters that have gradients."""
        beta1, beta2 = group["betas"]
        nadam(
            params,
            grads,
            exp_avgs,
            exp_avg_sqs,
            mu_products,
            steps,
            beta1=beta1,
            beta2=beta2,
            lr=group["lr"],
            weight_decay=group["weight_decay"],
            momentum_decay=group["momentum_decay"],
            eps=group["eps"],
            decoupled_weight_decay=group["decoupled_weight_decay"],
            maximize=group["maximize"],
            scratch=self._scratch,
        )


def nadam(
    params,
    grads,
    exp_avgs,
    exp_avg_sqs,
    mu_products,
    state_steps,
    *,
    beta1,
    beta2,
    lr,
    weight_decay,
    momentum_decay,
    eps,
    decoupled_weight_decay=False,
    maximize=False,
    scratch=None,
):
    """Functional NAdam: update ``params``, the moments and ``mu_products`` in place."""
    scratch = scratch or _Scratch()
    lr = _scalar(lr)
    for i, param in enumerate(params):
        xp = array_module(param._data)
        p = param._data
        step_t = state_steps[i]._data
        step_t += 1
        step = float(step_t)
        bias_correction2 = 1 - beta2**step
        coupled_wd = weight_decay
        if weight_decay != 0 and decoupled_weight_decay:
            p *= 1 - lr * weight_decay
            coupled_wd = 0
        g = _effective_grad(param, grads[i], coupled_wd, maximize, scratch)
        # The momentum schedule of Dozat's paper: mu_t rises towards beta1.
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product = mu_products[i]._data
        mu_product *= mu  # 0-d state in the scalar dtype, rounded as PyTorch rounds it
        mu_product = float(mu_product)
        exp_avg, exp_avg_sq = exp_avgs[i]._data, exp_avg_sqs[i]._data
        tmp = scratch.get(p, 1)
        _lerp_(exp_avg, g, 1 - beta1, tmp)
        _mul_addcmul_(exp_avg_sq, beta2, g, 1 - beta2, tmp)
        denom = xp.divide(exp_avg_sq, bias_correction2, out=tmp)
        xp.sqrt(denom, out=denom)
        denom += eps
        update = xp.divide(g, denom, out=scratch.get(p, 2))
        update *= -lr * (1.0 - mu) / (1.0 - mu_product)
        p += update
        update = xp.divide(exp_avg, denom, out=update)
        update *= (-lr * mu_next) / (1.0 - mu_product * mu_next)
        p += update
        _bump(param)
