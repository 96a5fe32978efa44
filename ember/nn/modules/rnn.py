"""Recurrent layers: RNN, LSTM, GRU and their cells, with PyTorch's parameters and shapes.

Each layer projects the whole input sequence with one matmul, then loops over time steps with
one matmul per step for the hidden state. Gradients come from the ops (no hand-written BPTT).
Shapes below: L sequence length, N batch, D directions, H hidden size.
"""

import math

from ember import ops
from ember.nn import functional as F
from ember.nn import init
from ember.nn.modules.module import Module
from ember.nn.parameter import Parameter
from ember.nn.utils.rnn import PackedSequence
from ember.ops.recurrent import gru_cell, lstm_cell

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# The step functions take ``w_hh_t``, W_hh transposed once per sequence, and an input
# projection ``x_proj`` that already holds both biases (except GRU's b_hh, which r gates), so
# that a step adds one matmul and one sum to the graph.


def _rnn_step(x_proj, h, w_hh_t, nonlinearity):
    # x_proj: (N, H); h: (N, H)
    pre = x_proj + ops.matmul(h, w_hh_t)
    return ops.tanh(pre) if nonlinearity == "tanh" else ops.relu(pre)


def _lstm_step(x_proj, state, w_hh_t, w_hr):
    h, c = state
    gates = x_proj + ops.matmul(h, w_hh_t)  # (N, 4H) in PyTorch's order i, f, g, o
    h, c = lstm_cell(gates, c)  # one node: Note [fused LSTM cell]
    if w_hr is not None:
        h = F.linear(h, w_hr)
    return h, c


def _gru_step(x_proj, h, w_hh_t, b_hh):
    # (N, 3H) each, order r, z, n; one node for the update (Note [fused LSTM cell])
    h_proj = ops.matmul(h, w_hh_t)
    return gru_cell(x_proj, h_proj if b_hh is None else h_proj + b_hh, h)


def _input_projection(x, w_ih, b_ih, b_hh, gru):
    """x W_ih^T + b_ih (+ b_hh, except for GRU) for all rows of ``x`` at once."""
    x_proj = F.linear(x, w_ih, b_ih)
    return x_proj if b_hh is None or gru else x_proj + b_hh


class RNNBase(Module):
    """The shared machinery of RNN, LSTM and GRU."""

    def __init__(
        self,
        mode,
        input_size,
        hidden_size,
        num_layers=1,
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        proj_size=0,
        device=None,
        dtype=None,
    ):
        super().__init__()
        if (
            not isinstance(dropout, (int, float))
            or not 0 <= dropout <= 1
            or isinstance(dropout, bool)
        ):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an "
                "element being zeroed"
            )
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        real_hidden = proj_size or hidden_size
        gate_size = _GATES[mode] * hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else real_hidden * directions
            for suffix in ("", "_reverse")[:directions]:
                shapes = [
                    (f"weight_ih_l{layer}{suffix}", (gate_size, layer_input)),
                    (f"weight_hh_l{layer}{suffix}", (gate_size, real_hidden)),
                ]
                if bias:
                    shapes += [
                        (f"bias_ih_l{layer}{suffix}", (gate_size,)),
                        (f"bias_hh_l{layer}{suffix}", (gate_size,)),
                    ]
                if proj_size:
                    shapes.append((f"weight_hr_l{layer}{suffix}", (proj_size, hidden_size)))
                for name, shape in shapes:
                    setattr(self, name, Parameter(ops.empty(shape, device=device, dtype=dtype)))
                    self._flat_weights_names.append(name)
        self.reset_parameters()

    def reset_parameters(self):
        """Every weight and bias uniform in (-1/sqrt(H), 1/sqrt(H)), as PyTorch."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    @property
    def all_weights(self):
        """The parameters as a list per layer and direction, in ``_flat_weights`` order."""
        return [
            [getattr(self, n) for n in self._flat_weights_names if n.split("_l")[1] == key]
            for key in self._layer_keys()
        ]

    def _layer_keys(self):
        directions = 2 if self.bidirectional else 1
        return [
            f"{layer}{s}" for layer in range(self.num_layers) for s in ("", "_reverse")[:directions]
        ]

    def _weights(self, layer, suffix):
        def get(kind):
            return getattr(self, f"{kind}_l{layer}{suffix}", None)

        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh"), get("weight_hr")

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ---- forward ------------------------------------------------------------------------

    def _step(self, x_proj, state, w_hh_t, b_hh, w_hr):
        if self.mode == "LSTM":
            return _lstm_step(x_proj, state, w_hh_t, w_hr)
        if self.mode == "GRU":
            return _gru_step(x_proj, state, w_hh_t, b_hh)
        return _rnn_step(x_proj, state, w_hh_t, "tanh" if self.mode == "RNN_TANH" else "relu")

    def _run_direction(self, x, state, weights, batch_sizes, reverse):
        """One layer in one direction. ``x``: (L, N, in) padded, or packed rows with
        ``batch_sizes``. Returns (outputs (L, N, H_out) or packed rows, final state)."""
        w_ih, w_hh, b_ih, b_hh, w_hr = weights
        gru = self.mode == "GRU"
        x_proj = _input_projection(x, w_ih, b_ih, b_hh, gru)  # all time steps in one matmul
        step_weights = (w_hh.t(), b_hh if gru else None, w_hr)
        lstm = self.mode == "LSTM"
        if batch_sizes is None:
            steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
            outputs = [None] * x.shape[0]
            # unbind: one node whose backward stacks the step gradients (indexing x_proj[t]
            # would scatter each into zeros of the whole sequence).
            x_steps = x_proj.unbind(0)
            for t in steps:
                state = self._step(x_steps[t], state, *step_weights)
                outputs[t] = state[0] if lstm else state
            return ops.stack(outputs, 0), state
        return self._run_packed(x_proj, state, step_weights, batch_sizes, reverse)

    def _run_packed(self, x_proj, state, step_weights, batch_sizes, reverse):
        # Sequences are sorted longest first, so at step t the first batch_sizes[t] rows are
        # active. Forward: finished rows leave the state; reverse: rows join as t decreases.
        lstm = self.mode == "LSTM"
        sizes = [int(n) for n in batch_sizes._data]
        outputs = [None] * len(sizes)
        x_steps = x_proj.split(sizes, 0)  # one node for all steps, as in _run_direction
        if not reverse:
            finished = []
            current = state
            for t, n in enumerate(sizes):
                prev = sizes[t - 1] if t else sizes[0]
                if n < prev:
                    finished.append(_slice_state(current, n, prev, lstm))
                    current = _slice_state(current, 0, n, lstm)
                current = self._step(x_steps[t], current, *step_weights)
                outputs[t] = current[0] if lstm else current
            finished.append(current)
            final = _join_states(list(reversed(finished)), lstm)
        else:
            full = state
            current = _slice_state(full, 0, sizes[-1], lstm)
            for t in range(len(sizes) - 1, -1, -1):
                n = sizes[t]
                have = (current[0] if lstm else current).shape[0]
                if n > have:
                    current = _join_states([current, _slice_state(full, have, n, lstm)], lstm)
                current = self._step(x_steps[t], current, *step_weights)
                outputs[t] = current[0] if lstm else current
            final = current
        return ops.cat(outputs, 0), final

    def _check_input(self, input, batch_sizes):
        expected = 2 if batch_sizes is not None else 3
        if batch_sizes is None and input.dim() not in (2, 3):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.dim()}D instead"
            )
        if batch_sizes is not None and input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                f"{input.shape[-1]}"
            )

    def _check_hidden(self, hx, expected, index=""):
        if tuple(hx.shape) != expected:
            name = f"hidden{index}" if index != "" else "hidden"
            raise RuntimeError(f"Expected {name} size {expected}, got {list(hx.shape)}")

    def forward(self, input, hx=None):
        packed = isinstance(input, PackedSequence)
        lstm = self.mode == "LSTM"
        directions = 2 if self.bidirectional else 1
        real_hidden = self.proj_size or self.hidden_size
        if packed:
            x, batch_sizes = input.data, input.batch_sizes
            sorted_indices, unsorted_indices = input.sorted_indices, input.unsorted_indices
            self._check_input(x, batch_sizes)
            batch = int(batch_sizes._data[0])
            unbatched = False
        else:
            batch_sizes = sorted_indices = unsorted_indices = None
            self._check_input(input, None)
            unbatched = input.dim() == 2
            x = input.unsqueeze(1) if unbatched else input
            if self.batch_first and not unbatched:
                x = x.transpose(0, 1)
            batch = x.shape[1]
        h_shape = (self.num_layers * directions, batch, real_hidden)
        c_shape = (self.num_layers * directions, batch, self.hidden_size)
        if hx is None:
            # The initial state lives where the input does, in its dtype.
            h0 = ops.zeros(h_shape, dtype=x.dtype, device=x.device)
            c0 = ops.zeros(c_shape, dtype=x.dtype, device=x.device) if lstm else None
        else:
            h0, c0 = hx if lstm else (hx, None)
            if unbatched:
                if h0.dim() != 2:
                    raise RuntimeError(
                        "For unbatched 2-D input, hx should also be 2-D but got "
                        f"{h0.dim()}-D tensor"
                    )
                h0 = h0.unsqueeze(1)
                c0 = c0.unsqueeze(1) if lstm else None
            elif not packed and h0.dim() != 3:
                raise RuntimeError(
                    f"For batched 3-D input, hx should also be 3-D but got {h0.dim()}-D tensor"
                )
            if sorted_indices is not None:
                h0 = h0.index_select(1, sorted_indices)
                c0 = c0.index_select(1, sorted_indices) if lstm else None
            self._check_hidden(h0, h_shape, "[0]" if lstm else "")
            if lstm:
                self._check_hidden(c0, c_shape, "[1]")
        h_n, c_n = [], []
        layer_input = x
        for layer in range(self.num_layers):
            outs = []
            for d, suffix in enumerate(("", "_reverse")[:directions]):
                k = layer * directions + d
                state = (h0[k], c0[k]) if lstm else h0[k]
                out, final = self._run_direction(
                    layer_input, state, self._weights(layer, suffix), batch_sizes, reverse=d == 1
                )
                outs.append(out)
                h_n.append(final[0] if lstm else final)
                if lstm:
                    c_n.append(final[1])
            layer_input = outs[0] if directions == 1 else ops.cat(outs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        h_n = ops.stack(h_n, 0)
        c_n = ops.stack(c_n, 0) if lstm else None
        if unsorted_indices is not None:
            h_n = h_n.index_select(1, unsorted_indices)
            c_n = c_n.index_select(1, unsorted_indices) if lstm else None
        if packed:
            output = PackedSequence(layer_input, batch_sizes, sorted_indices, unsorted_indices)
        else:
            output = layer_input
            if self.batch_first and not unbatched:
                output = output.transpose(0, 1)
            if unbatched:
                output = output.squeeze(1)
                h_n = h_n.squeeze(1)
                c_n = c_n.squeeze(1) if lstm else None
        return output, ((h_n, c_n) if lstm else h_n)


def _slice_state(state, start, stop, lstm):
    if lstm:
        return state[0][start:stop], state[1][start:stop]
    return state[start:stop]


def _join_states(states, lstm):
    if lstm:
        return ops.cat([s[0] for s in states], 0), ops.cat([s[1] for s in states], 0)
    return ops.cat(states, 0)


class RNN(RNNBase):
    """Elman RNN: ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` (or relu).

    Shape:
        - ``D`` = 2 if ``bidirectional`` else 1; ``H_out`` = ``hidden_size``.
        - Input: ``(L, H_in)`` unbatched, ``(L, N, H_in)``, or ``(N, L, H_in)`` with
          ``batch_first=True``; or a ``PackedSequence``.
        - h_0: ``(D * num_layers, H_out)`` or ``(D * num_layers, N, H_out)``; zeros when omitted.
        - Output: ``(L, D * H_out)``, ``(L, N, D * H_out)`` or ``(N, L, D * H_out)``, the last
          layer's hidden state at every step (a ``PackedSequence`` for a packed input).
        - h_n: the shape of h_0, every layer's final hidden state.
    """

    def __init__(
        self,
        input_size,
        hidden_size,
        num_layers=1,
        nonlinearity="tanh",
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        device=None,
        dtype=None,
    ):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(
            mode,
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            0,
            device,
            dtype,
        )

    def extra_repr(self):
        s = super().extra_repr()
        return s + ", nonlinearity='relu'" if self.nonlinearity != "tanh" else s


class LSTM(RNNBase):
    """Long short-term memory, with optional projections (``proj_size``).

    Shape:
        - ``D`` = 2 if ``bidirectional`` else 1; ``H_out`` = ``proj_size`` if positive, else
          ``hidden_size``.
        - Input: ``(L, H_in)`` unbatched, ``(L, N, H_in)``, or ``(N, L, H_in)`` with
          ``batch_first=True``; or a ``PackedSequence``.
        - (h_0, c_0): ``(D * num_layers, N, H_out)`` and ``(D * num_layers, N, hidden_size)``
          (without ``N`` when unbatched); zeros when omitted.
        - Output: ``(L, D * H_out)``, ``(L, N, D * H_out)`` or ``(N, L, D * H_out)``, the last
          layer's hidden state at every step (a ``PackedSequence`` for a packed input).
        - (h_n, c_n): the shapes of (h_0, c_0), every layer's final states.

    Example::

        >>> import ember
        >>> lstm = ember.nn.LSTM(input_size=10, hidden_size=20, num_layers=2, batch_first=True)
        >>> out, (h, c) = lstm(ember.randn(3, 5, 10))
        >>> out.shape, h.shape, c.shape
        (ember.Size([3, 5, 20]), ember.Size([2, 3, 20]), ember.Size([2, 3, 20]))
    """

    def __init__(
        self,
        input_size,
        hidden_size,
        num_layers=1,
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        proj_size=0,
        device=None,
        dtype=None,
    ):
        super().__init__(
            "LSTM",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            proj_size,
            device,
            dtype,
        )


class GRU(RNNBase):
    """Gated recurrent unit.

    Shape:
        - ``D`` = 2 if ``bidirectional`` else 1; ``H_out`` = ``hidden_size``.
        - Input: ``(L, H_in)`` unbatched, ``(L, N, H_in)``, or ``(N, L, H_in)`` with
          ``batch_first=True``; or a ``PackedSequence``.
        - h_0: ``(D * num_layers, H_out)`` or ``(D * num_layers, N, H_out)``; zeros when omitted.
        - Output: ``(L, D * H_out)``, ``(L, N, D * H_out)`` or ``(N, L, D * H_out)``, the last
          layer's hidden state at every step (a ``PackedSequence`` for a packed input).
        - h_n: the shape of h_0, every layer's final hidden state.
    """

    def __init__(
        self,
        input_size,
        hidden_size,
        num_layers=1,
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        device=None,
        dtype=None,
    ):
        super().__init__(
            "GRU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            0,
            device,
            dtype,
        )


class RNNCellBase(Module):
    """One time step of a recurrent layer: parameters weight_ih, weight_hh, bias_ih, bias_hh."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        gates = num_chunks * hidden_size
        self.weight_ih = Parameter(ops.empty((gates, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(ops.empty((gates, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(ops.empty((gates,), device=device, dtype=dtype))
            self.bias_hh = Parameter(ops.empty((gates,), device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Every weight and bias uniform in (-1/sqrt(H), 1/sqrt(H)), as PyTorch."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _prepare(self, input, hx, name):
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input has inconsistent input_size: got {input.shape[-1]} expected "
                f"{self.input_size}"
            )
        unbatched = input.dim() == 1
        if unbatched:
            input = input.unsqueeze(0)
        return input, unbatched

    def _state(self, hx, input, unbatched):
        if hx is None:
            return ops.zeros(
                (input.shape[0], self.hidden_size), dtype=input.dtype, device=input.device
            )
        return hx.unsqueeze(0) if unbatched else hx


class RNNCell(RNNCellBase):
    """``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` for one step (or relu).

    Shape:
        - Input: ``(N, H_in)`` or ``(H_in)``.
        - hx: ``(N, H_out)`` or ``(H_out)``; zeros when omitted.
        - Output: h', ``(N, H_out)`` or ``(H_out)``.
    """

    def __init__(
        self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None
    ):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)

    def forward(self, input, hx=None):
        input, unbatched = self._prepare(input, hx, "RNNCell")
        h = self._state(hx, input, unbatched)
        x_proj = _input_projection(input, self.weight_ih, self.bias_ih, self.bias_hh, False)
        h = _rnn_step(x_proj, h, self.weight_hh.t(), self.nonlinearity)
        return h.squeeze(0) if unbatched else h


class LSTMCell(RNNCellBase):
    """One LSTM step: returns (h', c').

    Shape:
        - Input: ``(N, H_in)`` or ``(H_in)``.
        - hx: a pair (h, c), each ``(N, H_out)`` or ``(H_out)``; zeros when omitted.
        - Output: (h', c'), each ``(N, H_out)`` or ``(H_out)``.
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        input, unbatched = self._prepare(input, hx[0] if hx is not None else None, "LSTMCell")
        if hx is None:
            zeros = ops.zeros(
                (input.shape[0], self.hidden_size), dtype=input.dtype, device=input.device
            )
            hx = (zeros, zeros)
        elif unbatched:
            hx = (hx[0].unsqueeze(0), hx[1].unsqueeze(0))
        x_proj = _input_projection(input, self.weight_ih, self.bias_ih, self.bias_hh, False)
        h, c = _lstm_step(x_proj, hx, self.weight_hh.t(), None)
        return (h.squeeze(0), c.squeeze(0)) if unbatched else (h, c)


class GRUCell(RNNCellBase):
    """One GRU step.

    Shape:
        - Input: ``(N, H_in)`` or ``(H_in)``.
        - hx: ``(N, H_out)`` or ``(H_out)``; zeros when omitted.
        - Output: h', ``(N, H_out)`` or ``(H_out)``.
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        input, unbatched = self._prepare(input, hx, "GRUCell")
        h = self._state(hx, input, unbatched)
        x_proj = _input_projection(input, self.weight_ih, self.bias_ih, self.bias_hh, True)
        h = _gru_step(x_proj, h, self.weight_hh.t(), self.bias_hh)
        return h.squeeze(0) if unbatched else h
