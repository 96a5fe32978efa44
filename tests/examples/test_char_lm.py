"""examples/char_lm.py on ten Shakespeare plays: both models fall clearly below the text's
unigram entropy within a few seconds, and the entropy it prints is the text's."""

import math
from collections import Counter

import pytest
import torch

from tests.examples._load import SHARED_DATA, load_example

PLAYS = SHARED_DATA / "shakespeare" / "plays.txt"
pytestmark = pytest.mark.skipif(
    not PLAYS.is_file(), reason="../shared/data/shakespeare/plays.txt is not present"
)
TINY = "--epochs 2 --steps 30 --n-layer 1 --n-embd 32 --n-head 2 --block-size 32 "
TINY += "--batch-size 16 --lr 0.01 --sample-chars 40"


def unigram_entropy_of_training_text():
    """Entropy in nats of the character frequencies of the first 90% of the text."""
    text = PLAYS.read_text(encoding="utf-8")
    counts = Counter(text[: int(0.9 * len(text))])
    n = sum(counts.values())
    return -sum(c / n * math.log(c / n) for c in counts.values())


@pytest.mark.parametrize("model", ["gpt", "lstm"])
def test_char_lm_loss_falls_below_unigram_entropy(model, tmp_path, capsys):
    argv = ["--text", str(PLAYS), "--model", model, "--out", str(tmp_path)] + TINY.split()
    result = load_example("char_lm").main(argv)
    out = capsys.readouterr().out

    entropy = unigram_entropy_of_training_text()
    assert result["unigram_entropy"] == pytest.approx(entropy, rel=1e-9)
    assert f"unigram entropy of the text: {entropy:.3f} nats/char" in out
    history = result["history"]
    # "Clearly below": a third of a nat per character under the best context-free model.
    assert history[-1]["val_loss"] < entropy - 0.3
    assert history[-1]["train_loss"] < history[0]["train_loss"]

    saved = torch.load(tmp_path / f"char_lm_{model}.pth", weights_only=True)
    assert saved["chars"] == "".join(sorted(set(PLAYS.read_text(encoding="utf-8"))))
    assert saved["model"]["lm_head.weight"].shape == (len(saved["chars"]), 32)


def test_char_lm_gpt_is_causal():
    example = load_example("char_lm")
    config = example.Config(vocab_size=11, block_size=8, n_layer=1, n_head=2, n_embd=16)
    model = example.GPT(config)
    model.eval()
    idx = example.torch.randint(11, (1, 8))
    changed = idx.clone()
    changed[0, 5] = (idx[0, 5] + 1) % 11
    # Changing character 5 changes no prediction made before it.
    before, after = model(idx), model(changed)
    assert example.torch.equal(before[:, :5], after[:, :5])
    assert not example.torch.equal(before[:, 5:], after[:, 5:])


def test_char_lm_missing_text_says_so(tmp_path):
    with pytest.raises(SystemExit, match="cannot read --text"):
        load_example("char_lm").main(["--text", str(tmp_path / "none.txt")])
