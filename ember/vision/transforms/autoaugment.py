"""AutoAugment, RandAugment, TrivialAugmentWide and AugMix: learned or random sequences of the
photometric and geometric ops, with magnitudes from fixed bins."""

import math
from enum import Enum

from ember import _dtype, nn, ops
from ember._tensor import Tensor
from ember.vision.transforms import _functional_color as FC
from ember.vision.transforms import _functional_geometry as FG
from ember.vision.transforms._functional_convert import pil_to_tensor, to_pil_image
from ember.vision.transforms._image_info import get_dimensions
from ember.vision.transforms._modes import InterpolationMode, _as_mode
from ember.vision.transforms._params import tensor_fill

__all__ = ["AugMix", "AutoAugment", "AutoAugmentPolicy", "RandAugment", "TrivialAugmentWide"]


def _apply_op(img, op_name, magnitude, interpolation, fill):
    """Apply the named augmentation op at ``magnitude``."""
    if op_name in ("ShearX", "ShearY"):
        # the magnitude is the shear coefficient; affine takes the shear angle in degrees
        angle = math.degrees(math.atan(magnitude))
        shear = [angle, 0.0] if op_name == "ShearX" else [0.0, angle]
        return FG.affine(img, 0.0, [0, 0], 1.0, shear, interpolation, fill, center=[0, 0])
    if op_name in ("TranslateX", "TranslateY"):
        translate = [int(magnitude), 0] if op_name == "TranslateX" else [0, int(magnitude)]
        return FG.affine(img, 0.0, translate, 1.0, [0.0, 0.0], interpolation, fill)
    if op_name == "Rotate":
        return FG.rotate(img, magnitude, interpolation, fill=fill)
    enhancers = {
        "Brightness": FC.adjust_brightness,
        "Color": FC.adjust_saturation,
        "Contrast": FC.adjust_contrast,
        "Sharpness": FC.adjust_sharpness,
    }
    if op_name in enhancers:
        return enhancers[op_name](img, 1.0 + magnitude)
    if op_name == "Posterize":
        return FC.posterize(img, int(magnitude))
    if op_name == "Solarize":
        return FC.solarize(img, magnitude)
    unary = {"AutoContrast": FC.autocontrast, "Equalize": FC.equalize, "Invert": FC.invert}
    if op_name in unary:
        return unary[op_name](img)
    if op_name == "Identity":
        return img
    raise ValueError(f"The provided operator {op_name} is not recognized.")


class AutoAugmentPolicy(Enum):
    """The AutoAugment policies learned on these datasets."""

    IMAGENET = "imagenet"
    CIFAR10 = "cifar10"
    SVHN = "svhn"


# Each sub-policy is two (op, probability, magnitude bin) steps (Cubuk et al., 2019)
_POLICIES = {
    AutoAugmentPolicy.IMAGENET: [
        (("Posterize", 0.4, 8), ("Rotate", 0.6, 9)),
        (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
        (("Equalize", 0.8, None), ("Equalize", 0.6, None)),
        (("Posterize", 0.6, 7), ("Posterize", 0.6, 6)),
        (("Equalize", 0.4, None), ("Solarize", 0.2, 4)),
        (("Equalize", 0.4, None), ("Rotate", 0.8, 8)),
        (("Solarize", 0.6, 3), ("Equalize", 0.6, None)),
        (("Posterize", 0.8, 5), ("Equalize", 1.0, None)),
        (("Rotate", 0.2, 3), ("Solarize", 0.6, 8)),
        (("Equalize", 0.6, None), ("Posterize", 0.4, 6)),
        (("Rotate", 0.8, 8), ("Color", 0.4, 0)),
        (("Rotate", 0.4, 9), ("Equalize", 0.6, None)),
        (("Equalize", 0.0, None), ("Equalize", 0.8, None)),
        (("Invert", 0.6, None), ("Equalize", 1.0, None)),
        (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
        (("Rotate", 0.8, 8), ("Color", 1.0, 2)),
        (("Color", 0.8, 8), ("Solarize", 0.8, 7)),
        (("Sharpness", 0.4, 7), ("Invert", 0.6, None)),
        (("ShearX", 0.6, 5), ("Equalize", 1.0, None)),
        (("Color", 0.4, 0), ("Equalize", 0.6, None)),
        (("Equalize", 0.4, None), ("Solarize", 0.2, 4)),
        (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
        (("Invert", 0.6, None), ("Equalize", 1.0, None)),
        (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
        (("Equalize", 0.8, None), ("Equalize", 0.6, None)),
    ],
    AutoAugmentPolicy.CIFAR10: [
        (("Invert", 0.1, None), ("Contrast", 0.2, 6)),
        (("Rotate", 0.7, 2), ("TranslateX", 0.3, 9)),
        (("Sharpness", 0.8, 1), ("Sharpness", 0.9, 3)),
        (("ShearY", 0.5, 8), ("TranslateY", 0.7, 9)),
        (("AutoContrast", 0.5, None), ("Equalize", 0.9, None)),
        (("ShearY", 0.2, 7), ("Posterize", 0.3, 7)),
        (("Color", 0.4, 3), ("Brightness", 0.6, 7)),
        (("Sharpness", 0.3, 9), ("Brightness", 0.7, 9)),
        (("Equalize", 0.6, None), ("Equalize", 0.5, None)),
        (("Contrast", 0.6, 7), ("Sharpness", 0.6, 5)),
        (("Color", 0.7, 7), ("TranslateX", 0.5, 8)),
        (("Equalize", 0.3, None), ("AutoContrast", 0.4, None)),
        (("TranslateY", 0.4, 3), ("Sharpness", 0.2, 6)),
        (("Brightness", 0.9, 6), ("Color", 0.2, 8)),
        (("Solarize", 0.5, 2), ("Invert", 0.0, None)),
        (("Equalize", 0.2, None), ("AutoContrast", 0.6, None)),
        (("Equalize", 0.2, None), ("Equalize", 0.6, None)),
        (("Color", 0.9, 9), ("Equalize", 0.6, None)),
        (("AutoContrast", 0.8, None), ("Solarize", 0.2, 8)),
        (("Brightness", 0.1, 3), ("Color", 0.7, 0)),
        (("Solarize", 0.4, 5), ("AutoContrast", 0.9, None)),
        (("TranslateY", 0.9, 9), ("TranslateY", 0.7, 9)),
        (("AutoContrast", 0.9, None), ("Solarize", 0.8, 3)),
        (("Equalize", 0.8, None), ("Invert", 0.1, None)),
        (("TranslateY", 0.7, 9), ("AutoContrast", 0.9, None)),
    ],
    AutoAugmentPolicy.SVHN: [
        (("ShearX", 0.9, 4), ("Invert", 0.2, None)),
        (("ShearY", 0.9, 8), ("Invert", 0.7, None)),
        (("Equalize", 0.6, None), ("Solarize", 0.6, 6)),
        (("Invert", 0.9, None), ("Equalize", 0.6, None)),
        (("Equalize", 0.6, None), ("Rotate", 0.9, 3)),
        (("ShearX", 0.9, 4), ("AutoContrast", 0.8, None)),
        (("ShearY", 0.9, 8), ("Invert", 0.4, None)),
        (("ShearY", 0.9, 5), ("Solarize", 0.2, 6)),
        (("Invert", 0.9, None), ("AutoContrast", 0.8, None)),
        (("Equalize", 0.6, None), ("Rotate", 0.9, 3)),
        (("ShearX", 0.9, 4), ("Solarize", 0.3, 3)),
        (("ShearY", 0.8, 8), ("Invert", 0.7, None)),
        (("Equalize", 0.9, None), ("TranslateY", 0.6, 6)),
        (("Invert", 0.9, None), ("Equalize", 0.6, None)),
        (("Contrast", 0.3, 3), ("Rotate", 0.8, 4)),
        (("Invert", 0.8, None), ("TranslateY", 0.0, 2)),
        (("ShearY", 0.7, 6), ("Solarize", 0.4, 8)),
        (("Invert", 0.6, None), ("Rotate", 0.8, 4)),
        (("ShearY", 0.3, 7), ("TranslateX", 0.9, 3)),
        (("ShearX", 0.1, 6), ("Invert", 0.6, None)),
        (("Solarize", 0.7, 2), ("TranslateY", 0.6, 7)),
        (("ShearY", 0.8, 4), ("Invert", 0.8, None)),
        (("ShearX", 0.7, 9), ("TranslateY", 0.8, 3)),
        (("ShearY", 0.8, 5), ("AutoContrast", 0.7, None)),
        (("ShearX", 0.7, 2), ("Invert", 0.1, None)),
    ],
}


def _posterize_bits(num_bins, levels):
    # 8 bits down to 8 - levels, spread over the bins
    return 8 - (ops.arange(num_bins) / ((num_bins - 1) / levels)).round().int()


def _space(num_bins, image_size, shear, translate, rotate, enhance, posterize_levels):
    """op name -> (magnitude bins, signed) for an image of ``image_size`` = (h, w)."""
    zero = ops.tensor(0.0)
    return {
        "ShearX": (ops.linspace(0.0, shear, num_bins), True),
        "ShearY": (ops.linspace(0.0, shear, num_bins), True),
        "TranslateX": (ops.linspace(0.0, translate(image_size[1]), num_bins), True),
        "TranslateY": (ops.linspace(0.0, translate(image_size[0]), num_bins), True),
        "Rotate": (ops.linspace(0.0, rotate, num_bins), True),
        "Brightness": (ops.linspace(0.0, enhance, num_bins), True),
        "Color": (ops.linspace(0.0, enhance, num_bins), True),
        "Contrast": (ops.linspace(0.0, enhance, num_bins), True),
        "Sharpness": (ops.linspace(0.0, enhance, num_bins), True),
        "Posterize": (_posterize_bits(num_bins, posterize_levels), False),
        "Solarize": (ops.linspace(255.0, 0.0, num_bins), False),
        "AutoContrast": (zero, False),
        "Equalize": (zero, False),
    }


def _relative_translate(side):
    return 150.0 / 331.0 * side


class _Augment(nn.Module):
    def __init__(self, interpolation, fill):
        super().__init__()
        self.interpolation = _as_mode(interpolation)
        self.fill = fill

    def _fill_for(self, img):
        if isinstance(img, Tensor):
            return tensor_fill(self.fill, get_dimensions(img)[0])
        return self.fill


class AutoAugment(_Augment):
    """AutoAugment (Cubuk et al., 2019): one random sub-policy of the learned ``policy``.

    Tensor images should be uint8, as in torchvision (Solarize thresholds are on 0..255).
    """

    def __init__(
        self,
        policy=AutoAugmentPolicy.IMAGENET,
        interpolation=InterpolationMode.NEAREST,
        fill=None,
    ):
        super().__init__(interpolation, fill)
        if policy not in _POLICIES:
            raise ValueError(f"The provided policy {policy} is not recognized.")
        self.policy = policy
        self.policies = _POLICIES[policy]

    def _augmentation_space(self, num_bins, image_size):
        space = _space(num_bins, image_size, 0.3, _relative_translate, 30.0, 0.9, 4)
        space["Invert"] = (ops.tensor(0.0), False)
        return space

    @staticmethod
    def get_params(transform_num):
        """(sub-policy index, two probabilities, two signs)."""
        policy_id = int(ops.randint(transform_num, (1,)).item())
        probs = ops.rand((2,))
        signs = ops.randint(2, (2,))
        return policy_id, probs, signs

    def forward(self, img):
        """The augmented image."""
        fill = self._fill_for(img)
        _, height, width = get_dimensions(img)
        transform_id, probs, signs = self.get_params(len(self.policies))
        op_meta = self._augmentation_space(10, (height, width))
        for i, (op_name, p, magnitude_id) in enumerate(self.policies[transform_id]):
            if probs[i].item() <= p:
                magnitudes, signed = op_meta[op_name]
                magnitude = 0.0 if magnitude_id is None else float(magnitudes[magnitude_id].item())
                if signed and signs[i].item() == 0:
                    magnitude *= -1.0
                img = _apply_op(img, op_name, magnitude, self.interpolation, fill)
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(policy={self.policy}, fill={self.fill})"


class RandAugment(_Augment):
    """RandAugment (Cubuk et al., 2020): ``num_ops`` random ops at one fixed ``magnitude``."""

    def __init__(
        self,
        num_ops=2,
        magnitude=9,
        num_magnitude_bins=31,
        interpolation=InterpolationMode.NEAREST,
        fill=None,
    ):
        super().__init__(interpolation, fill)
        self.num_ops = num_ops
        self.magnitude = magnitude
        self.num_magnitude_bins = num_magnitude_bins

    def _augmentation_space(self, num_bins, image_size):
        space = {"Identity": (ops.tensor(0.0), False)}
        space.update(_space(num_bins, image_size, 0.3, _relative_translate, 30.0, 0.9, 4))
        return space

    def forward(self, img):
        """The augmented image."""
        fill = self._fill_for(img)
        _, height, width = get_dimensions(img)
        op_meta = self._augmentation_space(self.num_magnitude_bins, (height, width))
        for _ in range(self.num_ops):
            op_index = int(ops.randint(len(op_meta), (1,)).item())
            op_name = list(op_meta.keys())[op_index]
            magnitudes, signed = op_meta[op_name]
            magnitude = float(magnitudes[self.magnitude].item()) if magnitudes.ndim > 0 else 0.0
            if signed and ops.randint(2, (1,)).item():
                magnitude *= -1.0
            img = _apply_op(img, op_name, magnitude, self.interpolation, fill)
        return img

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(num_ops={self.num_ops}, magnitude={self.magnitude}, "
            f"num_magnitude_bins={self.num_magnitude_bins}, interpolation={self.interpolation}, "
            f"fill={self.fill})"
        )


class TrivialAugmentWide(_Augment):
    """TrivialAugment Wide (Müller and Hutter, 2021): one random op at a random magnitude."""

    def __init__(self, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__(interpolation, fill)
        self.num_magnitude_bins = num_magnitude_bins

    def _augmentation_space(self, num_bins):
        space = {"Identity": (ops.tensor(0.0), False)}
        space.update(_space(num_bins, (0, 0), 0.99, lambda side: 32.0, 135.0, 0.99, 6))
        return space

    def forward(self, img):
        """The augmented image."""
        fill = self._fill_for(img)
        op_meta = self._augmentation_space(self.num_magnitude_bins)
        op_index = int(ops.randint(len(op_meta), (1,)).item())
        op_name = list(op_meta.keys())[op_index]
        magnitudes, signed = op_meta[op_name]
        magnitude = 0.0
        if magnitudes.ndim > 0:
            bin_index = ops.randint(len(magnitudes), (1,), dtype=_dtype.long)
            magnitude = float(magnitudes[bin_index].item())
        if signed and ops.randint(2, (1,)).item():
            magnitude *= -1.0
        return _apply_op(img, op_name, magnitude, self.interpolation, fill)

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(num_magnitude_bins={self.num_magnitude_bins}, "
            f"interpolation={self.interpolation}, fill={self.fill})"
        )


def _sample_gamma(shape_param):
    """One Gamma(shape_param, 1) draw from ember's generator (Marsaglia and Tsang, 2000)."""
    boost = 1.0
    if shape_param < 1.0:
        # Gamma(a) = Gamma(a + 1) * U ** (1 / a)
        boost = ops.rand(1, dtype=_dtype.float64).item() ** (1.0 / shape_param)
        shape_param += 1.0
    d = shape_param - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = ops.randn(1, dtype=_dtype.float64).item()
        v = (1.0 + c * x) ** 3
        if v <= 0:
            continue
        u = ops.rand(1, dtype=_dtype.float64).item()
        if math.log(max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * math.log(v):
            return d * v * boost


def _sample_dirichlet(concentration, rows):
    """``rows`` Dirichlet draws with the given concentrations, as a (rows, k) float32 tensor."""
    draws = []
    for _ in range(rows):
        g = [_sample_gamma(a) for a in concentration]
        total = sum(g)
        draws.append([x / total for x in g])
    return ops.tensor(draws, dtype=_dtype.float32)


class AugMix(_Augment):
    """AugMix (Hendrycks et al., 2020): a Beta-weighted mix of the image and a Dirichlet-weighted
    sum of ``mixture_width`` random augmentation chains.

    Differences from PyTorch: the Dirichlet weights come from Gamma draws on ember's generator
    (Marsaglia-Tsang) rather than ``torch._sample_dirichlet``.
    """

    _PARAMETER_MAX = 10

    def __init__(
        self,
        severity=3,
        mixture_width=3,
        chain_depth=-1,
        alpha=1.0,
        all_ops=True,
        interpolation=InterpolationMode.BILINEAR,
        fill=None,
    ):
        super().__init__(interpolation, fill)
        if not 1 <= severity <= self._PARAMETER_MAX:
            raise ValueError(
                f"The severity must be between [1, {self._PARAMETER_MAX}]. Got {severity} instead."
            )
        if mixture_width < 1:
            raise ValueError(
                f"The mixture_width must be bigger than 0. Got {mixture_width} instead."
            )
        if alpha < 0:
            raise ValueError(f"The alpha must be positive. Got {alpha} instead.")
        self.severity = severity
        self.mixture_width = mixture_width
        self.chain_depth = chain_depth
        self.alpha = alpha
        self.all_ops = all_ops

    def _augmentation_space(self, num_bins, image_size):
        space = {
            "ShearX": (ops.linspace(0.0, 0.3, num_bins), True),
            "ShearY": (ops.linspace(0.0, 0.3, num_bins), True),
            "TranslateX": (ops.linspace(0.0, image_size[1] / 3.0, num_bins), True),
            "TranslateY": (ops.linspace(0.0, image_size[0] / 3.0, num_bins), True),
            "Rotate": (ops.linspace(0.0, 30.0, num_bins), True),
            "Posterize": (4 - (ops.arange(num_bins) / ((num_bins - 1) / 4)).round().int(), False),
            "Solarize": (ops.linspace(255.0, 0.0, num_bins), False),
            "AutoContrast": (ops.tensor(0.0), False),
            "Equalize": (ops.tensor(0.0), False),
        }
        if self.all_ops:
            for name in ("Brightness", "Color", "Contrast", "Sharpness"):
                space[name] = (ops.linspace(0.0, 0.9, num_bins), True)
        return space

    def _chain(self, aug, op_meta, fill):
        depth = self.chain_depth
        if depth <= 0:
            depth = int(ops.randint(low=1, high=4, size=(1,)).item())
        for _ in range(depth):
            op_index = int(ops.randint(len(op_meta), (1,)).item())
            op_name = list(op_meta.keys())[op_index]
            magnitudes, signed = op_meta[op_name]
            magnitude = 0.0
            if magnitudes.ndim > 0:
                magnitude = float(magnitudes[ops.randint(self.severity, (1,))].item())
            if signed and ops.randint(2, (1,)).item():
                magnitude *= -1.0
            aug = _apply_op(aug, op_name, magnitude, self.interpolation, fill)
        return aug

    def forward(self, orig_img):
        """The mixed image, of the input's kind and dtype."""
        fill = self._fill_for(orig_img)
        _, height, width = get_dimensions(orig_img)
        img = orig_img if isinstance(orig_img, Tensor) else pil_to_tensor(orig_img)
        op_meta = self._augmentation_space(self._PARAMETER_MAX, (height, width))
        orig_dims = list(img.shape)
        batch = img.view([1] * max(4 - img.ndim, 0) + orig_dims)  # (B, C, H, W)
        batch_dims = [batch.shape[0]] + [1] * (batch.ndim - 1)
        # column 0 weighs the original image, column 1 the mixture of chains
        m = _sample_dirichlet([self.alpha, self.alpha], batch_dims[0])
        weights = _sample_dirichlet([self.alpha] * self.mixture_width, batch_dims[0])
        weights = weights * m[:, 1].view(batch_dims[0], -1)
        mix = m[:, 0].view(batch_dims) * batch
        for i in range(self.mixture_width):
            mix = mix + weights[:, i].view(batch_dims) * self._chain(batch, op_meta, fill)
        mix = mix.view(orig_dims).to(img.dtype)
        return mix if isinstance(orig_img, Tensor) else to_pil_image(mix, mode=orig_img.mode)

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(severity={self.severity}, mixture_width="
            f"{self.mixture_width}, chain_depth={self.chain_depth}, alpha={self.alpha}, "
            f"all_ops={self.all_ops}, interpolation={self.interpolation}, fill={self.fill})"
        )
