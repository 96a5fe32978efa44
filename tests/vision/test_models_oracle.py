"""ember.vision.models forward passes against PyTorch: the same weights (ember's state_dict
handed to torch) through a PyTorch functional transcription of torchvision's forward, in
float64. torchvision itself does not import beside this torch, so the transcription is the
oracle for the forward; the keys are torchvision's (see test_models.py)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import ember
from ember.vision import models
from ember.vision.models._blocks import SqueezeExcitation


def _torch_state(model):
    return {k: torch.from_numpy(v.numpy().copy()) for k, v in model.state_dict().items()}


def _randomize_batchnorm(model, seed):
    """Give every BatchNorm non-trivial statistics and affine parameters, so eval mode tests
    more than the identity."""
    rng = np.random.default_rng(seed)
    with ember.no_grad():
        for m in model.modules():
            if isinstance(m, ember.nn.BatchNorm2d):
                n = m.num_features
                m.running_mean.copy_(ember.tensor(rng.normal(0, 0.1, n)))
                m.running_var.copy_(ember.tensor(rng.uniform(0.5, 1.5, n)))
                m.weight.copy_(ember.tensor(rng.uniform(0.5, 1.5, n)))
                m.bias.copy_(ember.tensor(rng.normal(0, 0.1, n)))


def _bn(x, s, prefix):
    return TF.batch_norm(
        x,
        s[prefix + ".running_mean"],
        s[prefix + ".running_var"],
        s[prefix + ".weight"],
        s[prefix + ".bias"],
        training=False,
        eps=1e-5,
    )


def _torch_resnet18(x, s):
    """torchvision's ResNet-18 forward, written with torch.nn.functional."""
    x = TF.relu(_bn(TF.conv2d(x, s["conv1.weight"], stride=2, padding=3), s, "bn1"))
    x = TF.max_pool2d(x, 3, 2, 1)
    for layer, first_stride in (("layer1", 1), ("layer2", 2), ("layer3", 2), ("layer4", 2)):
        for block in range(2):
            p = f"{layer}.{block}"
            stride = first_stride if block == 0 else 1
            out = TF.conv2d(x, s[p + ".conv1.weight"], stride=stride, padding=1)
            out = TF.relu(_bn(out, s, p + ".bn1"))
            out = _bn(TF.conv2d(out, s[p + ".conv2.weight"], padding=1), s, p + ".bn2")
            if p + ".downsample.0.weight" in s:
                x = _bn(
                    TF.conv2d(x, s[p + ".downsample.0.weight"], stride=stride),
                    s,
                    p + ".downsample.1",
                )
            x = TF.relu(out + x)
    x = torch.flatten(TF.adaptive_avg_pool2d(x, 1), 1)
    return TF.linear(x, s["fc.weight"], s["fc.bias"])


def test_models_resnet18_forward_matches_torch():
    ember.manual_seed(0)
    model = models.resnet18(num_classes=10).double().eval()
    _randomize_batchnorm(model, seed=1)
    x = np.random.default_rng(2).normal(size=(2, 3, 48, 40))
    with ember.no_grad():
        out = model(ember.tensor(x))
    expected = _torch_resnet18(torch.tensor(x), _torch_state(model))
    torch.testing.assert_close(torch.from_numpy(out.numpy()), expected)


def _torch_vit(x, s, num_layers, num_heads, patch):
    """torchvision's VisionTransformer forward, written with torch.nn.functional."""
    n, hidden = x.shape[0], s["class_token"].shape[-1]
    x = TF.conv2d(x, s["conv_proj.weight"], s["conv_proj.bias"], stride=patch)
    x = x.reshape(n, hidden, -1).permute(0, 2, 1)
    x = torch.cat([s["class_token"].expand(n, -1, -1), x], dim=1) + s["encoder.pos_embedding"]
    for i in range(num_layers):
        p = f"encoder.layers.encoder_layer_{i}."
        y = TF.layer_norm(x, (hidden,), s[p + "ln_1.weight"], s[p + "ln_1.bias"], eps=1e-6)
        y, _ = TF.multi_head_attention_forward(
            *(y.transpose(0, 1),) * 3,
            hidden,
            num_heads,
            s[p + "self_attention.in_proj_weight"],
            s[p + "self_attention.in_proj_bias"],
            None,
            None,
            False,
            0.0,
            s[p + "self_attention.out_proj.weight"],
            s[p + "self_attention.out_proj.bias"],
            training=False,
            need_weights=False,
        )
        x = x + y.transpose(0, 1)
        y = TF.layer_norm(x, (hidden,), s[p + "ln_2.weight"], s[p + "ln_2.bias"], eps=1e-6)
        y = TF.gelu(TF.linear(y, s[p + "mlp.0.weight"], s[p + "mlp.0.bias"]))
        x = x + TF.linear(y, s[p + "mlp.3.weight"], s[p + "mlp.3.bias"])
    x = TF.layer_norm(x, (hidden,), s["encoder.ln.weight"], s["encoder.ln.bias"], eps=1e-6)
    return TF.linear(x[:, 0], s["heads.head.weight"], s["heads.head.bias"])


def test_models_vision_transformer_forward_matches_torch():
    ember.manual_seed(0)
    model = (
        models.VisionTransformer(
            image_size=16,
            patch_size=4,
            num_layers=2,
            num_heads=4,
            hidden_dim=16,
            mlp_dim=24,
            num_classes=5,
        )
        .double()
        .eval()
    )
    with ember.no_grad():
        # torchvision zeroes the head; random values make the comparison see the encoder.
        model.heads.head.weight.normal_()
        model.heads.head.bias.normal_()
    x = np.random.default_rng(3).normal(size=(2, 3, 16, 16))
    with ember.no_grad():
        out = model(ember.tensor(x))
    expected = _torch_vit(torch.tensor(x), _torch_state(model), num_layers=2, num_heads=4, patch=4)
    torch.testing.assert_close(torch.from_numpy(out.numpy()), expected)


def test_models_squeeze_excitation_matches_torch():
    ember.manual_seed(0)
    se = SqueezeExcitation(8, 4, scale_activation=ember.nn.Hardsigmoid).double()
    x = np.random.default_rng(4).normal(size=(2, 8, 5, 5))
    out = se(ember.tensor(x))
    s = _torch_state(se)
    t = torch.tensor(x)
    scale = TF.relu(TF.conv2d(TF.adaptive_avg_pool2d(t, 1), s["fc1.weight"], s["fc1.bias"]))
    scale = TF.hardsigmoid(TF.conv2d(scale, s["fc2.weight"], s["fc2.bias"]))
    torch.testing.assert_close(torch.from_numpy(out.detach().numpy()), scale * t)


@pytest.mark.parametrize("mode", ["row", "batch"])
def test_models_stochastic_depth_drops_whole_rows(mode):
    from ember.vision.models._blocks import StochasticDepth

    ember.manual_seed(0)
    layer = StochasticDepth(0.5, mode)
    x = ember.ones(64, 3, 2, 2)
    out = layer(x)
    per_row = out.reshape(64, -1)
    # Each row is dropped (0) or kept and scaled by 1 / (1 - p) = 2, as a whole.
    assert bool(((per_row == 0) | (per_row == 2)).all())
    assert bool((per_row == per_row[:, :1]).all())
    if mode == "batch":
        assert bool((per_row == per_row[0, 0]).all())
    else:
        kept = float((per_row[:, 0] == 2).double().mean())
        assert 0.2 < kept < 0.8
    assert layer.eval()(x) is x
    assert repr(layer) == f"StochasticDepth(p=0.5, mode={mode})"
    with pytest.raises(ValueError, match="drop probability has to be between 0 and 1"):
        StochasticDepth(1.5, mode)(x)


def _conv_bn_act(x, s, prefix, act, stride=1, groups=1, eps=1e-5):
    """A Conv2dNormActivation (keys prefix.0 conv, prefix.1 norm) in torch."""
    w = s[prefix + ".0.weight"]
    x = TF.conv2d(x, w, stride=stride, padding=(w.shape[-1] - 1) // 2, groups=groups)
    x = TF.batch_norm(
        x,
        s[prefix + ".1.running_mean"],
        s[prefix + ".1.running_var"],
        s[prefix + ".1.weight"],
        s[prefix + ".1.bias"],
        training=False,
        eps=eps,
    )
    return act(x) if act is not None else x


def _se(x, s, prefix, act, gate):
    scale = TF.adaptive_avg_pool2d(x, 1)
    scale = act(TF.conv2d(scale, s[prefix + ".fc1.weight"], s[prefix + ".fc1.bias"]))
    return gate(TF.conv2d(scale, s[prefix + ".fc2.weight"], s[prefix + ".fc2.bias"])) * x


def test_models_efficientnet_mbconv_matches_torch():
    # Block features.2.1 of EfficientNet-B0: expand 24->144, depthwise 3x3, SE (6), project.
    ember.manual_seed(0)
    model = models.efficientnet_b0().double().eval()
    _randomize_batchnorm(model, seed=5)
    block = model.features[2][1]
    x = np.random.default_rng(6).normal(size=(2, 24, 6, 6))
    with ember.no_grad():
        out = block(ember.tensor(x))
    s = _torch_state(block)
    t = torch.tensor(x)
    y = _conv_bn_act(t, s, "block.0", TF.silu)
    y = _conv_bn_act(y, s, "block.1", TF.silu, groups=144)
    y = _se(y, s, "block.2", TF.silu, torch.sigmoid)
    y = _conv_bn_act(y, s, "block.3", None)
    torch.testing.assert_close(torch.from_numpy(out.numpy()), y + t)  # residual, no drop in eval


def test_models_mobilenet_v3_block_matches_torch():
    # Block features.4 of MobileNetV3-Large: expand 24->72, depthwise 5x5 stride 2, SE with
    # hardsigmoid, project to 40; BatchNorm eps 0.001.
    ember.manual_seed(0)
    model = models.mobilenet_v3_large().double().eval()
    _randomize_batchnorm(model, seed=7)
    block = model.features[4]
    x = np.random.default_rng(8).normal(size=(2, 24, 9, 9))
    with ember.no_grad():
        out = block(ember.tensor(x))
    s = _torch_state(block)
    t = torch.tensor(x)
    y = _conv_bn_act(t, s, "block.0", TF.relu, eps=1e-3)
    y = _conv_bn_act(y, s, "block.1", TF.relu, stride=2, groups=72, eps=1e-3)
    y = _se(y, s, "block.2", TF.relu, TF.hardsigmoid)
    y = _conv_bn_act(y, s, "block.3", None, eps=1e-3)
    torch.testing.assert_close(torch.from_numpy(out.numpy()), y)
