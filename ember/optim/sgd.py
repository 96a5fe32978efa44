"""SGD: stochastic gradient descent with optional momentum, Nesterov and weight decay."""

import numpy as np

from ember._tensor import make_tensor
from ember.autograd.grad_mode import no_grad
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

    def step(self, closure=None):
        """Perform a single optimization step."""
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                # The momentum buffer is made by sgd() on a parameter's first step.
                keys = ("momentum_buffer",) if group["momentum"] != 0 else ()
                params, grads, *columns = self._with_grads(group, *keys)
                bufs = columns[0] if columns else []
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
        return loss


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
                    tmp = np.multiply(g, 1 - dampening, out=scratch.get(b, 1))
                    b += tmp
            if nesterov:
                tmp = np.multiply(buf._data, momentum, out=scratch.get(g, 1))
                g = np.add(g, tmp, out=tmp)
            else:
                g = buf._data
        tmp = np.multiply(g, -lr, out=scratch.get(g, 1))
        param._data += tmp
        _bump(param)
