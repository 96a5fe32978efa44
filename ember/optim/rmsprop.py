"""RMSprop: divide the gradient by a running root mean square (optionally centered)."""

from ember._backend import array_module
from ember.optim.optimizer import (
    Optimizer,
    _bump,
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

__all__ = ["RMSprop", "rmsprop"]


class RMSprop(Optimizer):
    """RMSprop, as ``torch.optim.RMSprop``."""

    _tensor_step = True

    _group_defaults = {
        "momentum": 0,
        "centered": False,
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "capturable": False,
    }

    def __init__(
        self,
        params,
        lr=1e-2,
        alpha=0.99,
        eps=1e-8,
        weight_decay=0,
        momentum=0,
        centered=False,
        capturable=False,
        foreach=None,
        maximize=False,
        differentiable=False,
    ):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        _check_not_differentiable(differentiable)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        state = {"step": _step_tensor(), "square_avg": _zeros_like(p)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = _zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = _zeros_like(p)
        return state

    _state_keys = (
        "square_avg",
        "momentum_buffer",
        "grad_avg",
        "step",
    )

    def _update(self, group, params, grads, square_avgs, bufs, grad_avgs, steps):
        """One step of rmsprop for ``group``'s parameters that have gradients."""
        rmsprop(
            params,
            grads,
            square_avgs,
            grad_avgs,
            bufs,
            steps,
            lr=group["lr"],
            alpha=group["alpha"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            momentum=group["momentum"],
            centered=group["centered"],
            maximize=group["maximize"],
            scratch=self._scratch,
        )


def rmsprop(
    params,
    grads,
    square_avgs,
    grad_avgs,
    momentum_buffer_list,
    state_steps,
    *,
    lr,
    alpha,
    eps,
    weight_decay,
    momentum,
    centered,
    maximize=False,
    scratch=None,
):
    """Functional RMSprop: update ``params`` and the running averages in place."""
    scratch = scratch or _Scratch()
    lr = _scalar(lr)
    for i, param in enumerate(params):
        xp = array_module(param._data)
        p = param._data
        state_steps[i]._data += 1
        g = _effective_grad(param, grads[i], weight_decay, maximize, scratch)
        square_avg = square_avgs[i]._data
        tmp = scratch.get(p, 1)
        _mul_addcmul_(square_avg, alpha, g, 1 - alpha, tmp)
        if centered:
            grad_avg = grad_avgs[i]._data
            _lerp_(grad_avg, g, 1 - alpha, tmp)
            avg = xp.multiply(grad_avg, grad_avg, out=tmp)
            xp.subtract(square_avg, avg, out=avg)
            xp.sqrt(avg, out=avg)
        else:
            avg = xp.sqrt(square_avg, out=tmp)
        avg += eps
        if momentum > 0:
            buf = momentum_buffer_list[i]._data
            buf *= momentum
            buf += xp.divide(g, avg, out=avg)
            update = xp.multiply(buf, -lr, out=avg)
        else:
            update = xp.divide(g, avg, out=avg)
            update *= -lr
        p += update
        _bump(param)
