"""The benchmark workloads: for each, how to make its data and one timed step, written once
against a namespace ``T`` (``ember`` or ``torch``).

Each is a :class:`~ember.bench.case.Workload`: ``data(T, quick)`` builds the inputs,
``case(T, data)`` the model, optimizer and the timed step.
"""

import numpy as np

from ember.bench import models
from ember.bench.case import Case, Workload
from ember.bench.flops import TRAINING_MULTIPLIER, count_forward_flops
from ember.bench.mnist_epoch import mnist_epoch, mnist_epoch_data

__all__ = ["WORKLOADS", "select"]


def _normal(T, *shape):
    rng = np.random.default_rng(0)
    return T.tensor(rng.standard_normal(shape, dtype=np.float32))


def _integers(T, high, *shape, seed=1):
    rng = np.random.default_rng(seed)
    return T.tensor(rng.integers(0, high, shape, dtype=np.int64))


def _inputs(batch, *shape, quick_batch=None):
    """Random float inputs of ``(batch, *shape)``; ``quick_batch`` rows under ``--quick``."""
    return lambda T, quick: _normal(T, quick_batch if quick and quick_batch else batch, *shape)


def _classification(batch, *shape, quick_batch=None):
    """Random float inputs as :func:`_inputs` and as many labels in ``[0, 10)``."""

    def data(T, quick):
        x = _inputs(batch, *shape, quick_batch=quick_batch)(T, quick)
        return x, _integers(T, 10, x.shape[0])

    return data


def _training(T, model, optimizer, loss_fn, x, y):
    """The standard step: zero the gradients, forward, loss, backward, optimizer step."""
    model.train()

    def step():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    return Case(step, lambda: TRAINING_MULTIPLIER * count_forward_flops(T, model, x))


def _mlp_small(T, data):
    T.manual_seed(0)
    model = models.mlp(T, (784, 128, 10))
    opt = T.optim.SGD(model.parameters(), lr=0.01)
    return _training(T, model, opt, T.nn.CrossEntropyLoss(), *data)


def _mlp_large(T, data):
    T.manual_seed(0)
    model = models.mlp(T, (784, 1024, 1024, 10))
    opt = T.optim.Adam(model.parameters(), lr=1e-3)
    return _training(T, model, opt, T.nn.CrossEntropyLoss(), *data)


def _mnist_cnn(T, data):
    T.manual_seed(0)
    model = models.mnist_net(T)
    opt = T.optim.Adadelta(model.parameters(), lr=1.0)
    return _training(T, model, opt, T.nn.functional.nll_loss, *data)


def _resnet18(T):
    """ember's own ``vision.models.resnet18`` on ember; the same architecture, written against
    ``T`` in :mod:`ember.bench.models`, on PyTorch (torchvision is not a dependency)."""
    if T.__name__ == "ember":
        from ember.vision.models import resnet18

        return resnet18(num_classes=10)
    return models.resnet18(T, num_classes=10)


def _resnet18_train(T, data):
    T.manual_seed(0)
    model = _resnet18(T)
    opt = T.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    return _training(T, model, opt, T.nn.CrossEntropyLoss(), *data)


def _resnet18_infer(T, x):
    T.manual_seed(0)
    model = _resnet18(T).eval()

    def step():
        with T.no_grad():
            model(x)

    return Case(step, lambda: count_forward_flops(T, model, x))


def _lstm_data(T, quick):
    """Token ids (bptt 35, batch 20; 5 under ``quick``) and the next-token targets, flattened
    as the example."""
    tokens = _integers(T, 10000, 36, 5 if quick else 20)
    return tokens[:35], tokens[1:].reshape(-1)


def _lstm_lm(T, data):
    """One step of ``word_language_model``'s ``train()``: repackaged hidden state, NLL loss,
    ``clip_grad_norm_(0.25)`` and its hand-written SGD update ``p.data.add_(p.grad, -lr)``."""
    T.manual_seed(0)
    inputs, targets = data
    model = models.lstm_language_model(T).train()
    batch = inputs.shape[1]
    lr, state = 20.0, {"hidden": model.init_hidden(batch)}

    def step():
        hidden = tuple(h.detach() for h in state["hidden"])
        model.zero_grad()
        output, state["hidden"] = model(inputs, hidden)
        T.nn.functional.nll_loss(output, targets).backward()
        T.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-lr)

    def flops():
        return TRAINING_MULTIPLIER * count_forward_flops(T, model, inputs, model.init_hidden(batch))

    return Case(step, flops)


def _gpt_data(T, quick):
    tokens = _integers(T, 65, 4 if quick else 16, 65)
    return tokens[:, :64], tokens[:, 1:]


def _gpt(T, data):
    T.manual_seed(0)
    idx, targets = data
    model = models.gpt(T).train()
    opt = T.optim.AdamW(model.parameters(), lr=6e-4, betas=(0.9, 0.95), weight_decay=0.1)

    def step():
        opt.zero_grad(set_to_none=True)
        logits = model(idx)
        T.nn.functional.cross_entropy(logits.view(-1, 65), targets.reshape(-1)).backward()
        opt.step()

    return Case(step, lambda: TRAINING_MULTIPLIER * count_forward_flops(T, model, idx))


def _overhead_data(T, quick):
    a = T.ones(4, 4, requires_grad=True)
    b = T.full((4, 4), 0.5, requires_grad=True)
    x0 = T.ones(4, 4, requires_grad=True)
    return a, b, x0


def _overhead(T, data):
    """100 recorded ``x = x * b + a`` on 4x4 (200 ops), then ``sum().backward()``."""
    a, b, x0 = data

    def step():
        x = x0
        for _ in range(100):
            x = x * b + a
        x.sum().backward()

    return Case(step, per=(200, "us/op"))


WORKLOADS = {
    w.name: w
    for w in (
        Workload("mlp", "MLP 784-128-10, b64, SGD", _classification(64, 784), _mlp_small),
        Workload(
            "mlp_large", "MLP 784-1024-1024-10, b128, Adam", _classification(128, 784), _mlp_large
        ),
        Workload(
            "mnist_cnn",
            "MNIST CNN (examples), b64, Adadelta",
            _classification(64, 1, 28, 28, quick_batch=16),
            _mnist_cnn,
            quick="b16",
        ),
        Workload(
            "resnet18",
            "ResNet-18 CIFAR, b32, SGD+BN",
            _classification(32, 3, 32, 32, quick_batch=8),
            _resnet18_train,
            quick="b8",
        ),
        Workload(
            "lstm_lm", "LSTM LM 2x200, 10k vocab, bptt35 b20", _lstm_data, _lstm_lm, quick="b5"
        ),
        Workload("gpt", "GPT 4x128, 4 heads, ctx64 b16, AdamW", _gpt_data, _gpt, quick="b4"),
        Workload("overhead", "x = x*b + a, 100x on 4x4, fwd+bwd", _overhead_data, _overhead),
        Workload(
            "resnet18_infer_b1",
            "ResNet-18 inference no_grad, b1",
            _inputs(1, 3, 32, 32),
            _resnet18_infer,
        ),
        Workload(
            "resnet18_infer_b32",
            "ResNet-18 inference no_grad, b32",
            _inputs(32, 3, 32, 32, quick_batch=8),
            _resnet18_infer,
            quick="b8",
        ),
        Workload(
            "mnist_epoch",
            "MNIST sample epoch, DataLoader + CNN",
            mnist_epoch_data,
            mnist_epoch,
            quick="first 1,280 images",
            warmup=1,
            min_repeats=2,
            memory_steps=1,
        ),
    )
}


def select(names):
    """The workloads named in ``names`` (all when empty), in the suite's order; ValueError
    names the unknown ones and lists the known."""
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        raise ValueError(f"unknown workload(s) {', '.join(unknown)}; known: {', '.join(WORKLOADS)}")
    return [w for w in WORKLOADS.values() if not names or w.name in names]
