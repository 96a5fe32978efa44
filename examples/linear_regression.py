"""Fit y = 2x + 1 from noisy samples with raw tensors, autograd and a manual SGD update.

python examples/linear_regression.py
"""

import ember as torch


def main(steps=200, lr=0.1):
    """Fit the line by gradient descent; returns the learned (weight, bias)."""
    torch.manual_seed(0)
    x = torch.rand(256, 1) * 2 - 1  # (N, 1) inputs in [-1, 1)
    y = 2 * x + 1 + 0.1 * torch.randn(256, 1)  # targets with Gaussian noise

    weight = torch.zeros(1, 1, requires_grad=True)
    bias = torch.zeros(1, requires_grad=True)
    for step in range(steps):
        pred = x @ weight + bias
        loss = ((pred - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            weight -= lr * weight.grad
            bias -= lr * bias.grad
        weight.grad = None
        bias.grad = None
        if step % 50 == 0:
            print(f"step {step:3d}  loss {loss.item():.4f}")
    print(f"learned weight {weight.item():.3f} (true 2.0), bias {bias.item():.3f} (true 1.0)")
    return weight.item(), bias.item()


if __name__ == "__main__":
    main()
