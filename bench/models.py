"""Model benchmark: the training workloads of the benchmark suite, ember against PyTorch.

A thin wrapper kept for this command; the suite itself is ``python -m ember.bench`` (see
``ember/bench/``). Options pass through (``--repeats N``, ``--threads N``, ``--quick``, ...).

    python bench/models.py [--repeats N]
"""

import sys

from ember.bench.__main__ import main

TRAINING = "mlp,mlp_large,mnist_cnn,resnet18,lstm_lm,gpt"

if __name__ == "__main__":
    main(["--only", TRAINING, *sys.argv[1:]])
