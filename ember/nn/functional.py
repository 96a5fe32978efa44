"""``ember.nn.functional``: the functional form of every layer, activation and loss.

The implementations live in ember/ops (the primitives) and ember/nn/_functional (compositions);
this module only re-exports them under PyTorch's names.
"""

# ---- activations, losses, dropout, embedding, linear ----
from ember.nn._functional.activation import (
    celu,
    celu_,
    elu,
    elu_,
    gelu,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    hardtanh_,
    leaky_relu,
    leaky_relu_,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    relu_,
    rrelu,
    selu,
    selu_,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanh,
    tanhshrink,
    threshold,
    threshold_,
)
from ember.nn._functional.ctc import ctc_loss
from ember.nn._functional.distance import cosine_similarity, normalize, pairwise_distance, pdist
from ember.nn._functional.dropout import (
    alpha_dropout,
    dropout,
    dropout1d,
    dropout2d,
    dropout3d,
    feature_alpha_dropout,
)
from ember.nn._functional.embedding import embedding, embedding_bag, one_hot
from ember.nn._functional.linear import bilinear, linear
from ember.nn._functional.loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cosine_embedding_loss,
    cross_entropy,
    gaussian_nll_loss,
    hinge_embedding_loss,
    huber_loss,
    kl_div,
    l1_loss,
    margin_ranking_loss,
    mse_loss,
    multilabel_soft_margin_loss,
    nll_loss,
    poisson_nll_loss,
    smooth_l1_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from ember.nn._functional.margin import multi_margin_loss, multilabel_margin_loss

# isort: split
# ---- conv, pooling, normalization, padding, interpolate, fold ----
from ember.nn._functional.batchnorm import batch_norm, instance_norm
from ember.nn._functional.fold import fold, unfold
from ember.nn._functional.normalization import (
    group_norm,
    layer_norm,
    local_response_norm,
    rms_norm,
)
from ember.nn._functional.padding import pad
from ember.nn._functional.pixel_shuffle import (
    channel_shuffle,
    native_channel_shuffle,
    pixel_shuffle,
    pixel_unshuffle,
)
from ember.nn._functional.pooling import (
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d_with_indices,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
    max_pool1d_with_indices,
    max_pool2d_with_indices,
    max_pool3d_with_indices,
)
from ember.nn._functional.upsampling import (
    interpolate,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)
from ember.ops.conv import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from ember.ops.pooling import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    adaptive_max_pool3d,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    max_pool1d,
    max_pool2d,
    max_pool3d,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)

# isort: split
# ---- attention ----
from ember.nn._functional.attention import (
    multi_head_attention_forward,
    scaled_dot_product_attention,
)
