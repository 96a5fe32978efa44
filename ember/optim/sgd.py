"""SGD: stochastic gradient descent with optional momentum, Nesterov and weight decay."""

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
)

__all__ = ["SGD", "sgd"]


class SGD(Optimizer):
    """Stochastic gradient descent (optionally with momentum), as ``torch.optim.SGD``."""

    _group_defaults = {
        "nesterov": False,
        "maximize": False,
        "foreach": None,
        "differentiable": False,
        "fused": False,
    }

    def __init__(
        self,
        params,
        lr=1e-3,
        momentum=0,
        dampening=0,
        weight_decay=0,
        nesterov=False,
        *,
        maximize=False,
        foreach=None,
        differentiable=False,
        fused=None,
    ):
        _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        _check_not_differentiable(differentiable)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _state_keys_for(self, group):
        # The momentum buffer is made by sgd() on a parameter's first step.
        return ("momentum_buffer",) if group["momentum"] != 0 else ()

    def _update(self, group, params, grads, bufs=None):
        """One step of SGD for ``group``'s parameters that have gradients."""
        bufs = [] if bufs is None else bufs
        sgd(
            params,
            grads,
            bufs,
            weight_decay=group["weight_decay"],
            momentum=group["momentum"],
            lr=group["lr"],
            dampening=group["dampening"],
            nesterov=group["nesterov"],
            maximize=group["maximize"],
            scratch=self._scratch,
        )
        if group["momentum"] != 0:
            for p, buf in zip(params, bufs):
                self.state[p]["momentum_buffer"] = buf


def sgd(
    params,
    d_p_list,
    momentum_buffer_list,
    *,
    weight_decay,
    momentum,
    lr,
    dampening,
    nesterov,
    maximize,
    scratch=None,
):
    """Functional SGD: update ``params`` in place; new momentum buffers go into the list."""
    scratch = scratch or _Scratch()
    lr = _scalar(lr)
    for i, param in enumerate(params):
        xp = array_module(param._data)
        g = _effective_grad(param, d_p_list[i], weight_decay, maximize, scratch)
        if momentum != 0:
            buf = momentum_buffer_list[i]
            if buf is None:
                # The first buffer is the gradient itself, undamped, as in PyTorch.
                buf = momentum_buffer_list[i] = make_tensor(g.copy())
            else:
                b = buf._data
                b *= momentum
                if dampening == 0:
                    b += g
                else:
                    tmp = xp.multiply(g, 1 - dampening, out=scratch.get(b, 1))
                    b += tmp
            if nesterov:
                tmp = xp.multiply(buf._data, momentum, out=scratch.get(g, 1))
                g = xp.add(g, tmp, out=tmp)
            else:
                g = buf._data
        tmp = xp.multiply(g, -lr, out=scratch.get(g, 1))
        param._data += tmp
        _bump(param)
