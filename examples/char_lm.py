"""Train a character-level language model on a plain-text file and watch it learn to write.

    python examples/char_lm.py --text plays.txt                  # a small GPT
    python examples/char_lm.py --text plays.txt --model lstm     # a 2-layer LSTM
    python examples/char_lm.py --text plays.txt --n-layer 4 --n-embd 256 --epochs 20

Any UTF-8 text of a few hundred kilobytes or more will do (the tests use ten Shakespeare
plays). The loss is cross-entropy in nats per character. First the script prints the text's
unigram entropy: the loss of the best model that ignores context, which always predicts the
characters' frequencies. A model that learns anything about the order of characters goes below
it. After each epoch it prints the training and validation loss and a sample of generated text,
and at the end it writes the weights and vocabulary (`char_lm_gpt.pth` or `char_lm_lstm.pth`).
"""

import argparse
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import ember as torch
import ember.nn as nn
import ember.nn.functional as F


@dataclass
class Config:
    """The size of a model: the same fields configure the GPT and the LSTM."""

    vocab_size: int
    block_size: int = 64  # characters of context
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 128
    dropout: float = 0.0


# ---- a small GPT, nanoGPT-style ---------------------------------------------------------------


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention in which each position sees only itself and earlier ones."""

    def __init__(self, config):
        super().__init__()
        if config.n_embd % config.n_head:
            raise ValueError(
                f"n_embd ({config.n_embd}) must be a multiple of n_head ({config.n_head})"
            )
        self.n_head = config.n_head
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)  # query, key, value at once
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)
        self.dropout = nn.Dropout(config.dropout)
        mask = torch.tril(torch.ones(config.block_size, config.block_size, dtype=torch.bool))
        self.register_buffer(
            "mask", mask.view(1, 1, config.block_size, config.block_size), persistent=False
        )

    def forward(self, x):
        B, T, C = x.size()  # batch, time, channels
        q, k, v = self.c_attn(x).split(C, dim=2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(k.size(-1))  # (B, nh, T, T)
        att = att.masked_fill(~self.mask[:, :, :T, :T], float("-inf"))  # no peeking ahead
        att = self.dropout(F.softmax(att, dim=-1))
        y = att @ v  # (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # heads side by side again
        return self.dropout(self.c_proj(y))


class MLP(nn.Module):
    """The feed-forward half of a block: widen 4x, GELU, project back."""

    def __init__(self, config):
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd)
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(F.gelu(self.c_fc(x))))


class Block(nn.Module):
    """A pre-norm transformer block: attention then MLP, each around a residual connection."""

    def __init__(self, config):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = MLP(config)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """Token and position embeddings, ``n_layer`` blocks, a final norm and the output layer."""

    def __init__(self, config):
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.block_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.h = nn.ModuleList([Block(config) for _ in range(config.n_layer)])
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size)

    def forward(self, idx):  # idx: (B, T) character indices
        T = idx.size(1)
        pos = torch.arange(T, device=idx.device)  # (T,)
        x = self.drop(self.wte(idx) + self.wpe(pos))  # (B, T, n_embd)
        for block in self.h:
            x = block(x)
        return self.lm_head(self.ln_f(x))  # (B, T, vocab_size) logits

    @torch.no_grad()
    def generate(self, idx, max_new_tokens, temperature=1.0):
        """Extend ``idx`` (B, T) by ``max_new_tokens`` characters drawn one at a time."""
        for _ in range(max_new_tokens):
            context = idx[:, -self.config.block_size :]  # the model sees block_size at most
            logits = self(context)[:, -1, :] / temperature  # (B, vocab_size)
            next_idx = torch.multinomial(F.softmax(logits, dim=-1), num_samples=1)
            idx = torch.cat([idx, next_idx], dim=1)
        return idx


# ---- an LSTM ----------------------------------------------------------------------------------


class CharLSTM(nn.Module):
    """Embedding, a stacked LSTM and the output layer."""

    def __init__(self, config):
        super().__init__()
        self.embed = nn.Embedding(config.vocab_size, config.n_embd)
        dropout = config.dropout if config.n_layer > 1 else 0.0
        self.lstm = nn.LSTM(
            config.n_embd, config.n_embd, config.n_layer, batch_first=True, dropout=dropout
        )
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size)

    def forward(self, idx):  # idx: (B, T)
        out, _ = self.lstm(self.embed(idx))  # (B, T, n_embd), the final state unused
        return self.lm_head(out)  # (B, T, vocab_size) logits

    @torch.no_grad()
    def generate(self, idx, max_new_tokens, temperature=1.0):
        """Extend ``idx`` (B, T) by ``max_new_tokens`` characters, carrying the LSTM state."""
        out, state = self.lstm(self.embed(idx))
        logits = self.lm_head(out[:, -1, :])
        for _ in range(max_new_tokens):
            next_idx = torch.multinomial(F.softmax(logits / temperature, dim=-1), num_samples=1)
            idx = torch.cat([idx, next_idx], dim=1)
            out, state = self.lstm(self.embed(next_idx), state)
            logits = self.lm_head(out[:, -1, :])
        return idx


MODELS = {"gpt": GPT, "lstm": CharLSTM}


# ---- data and training ------------------------------------------------------------------------


def parse_args(argv=None):
    """The command line, with the defaults that reproduce the documented run."""
    default_device = "cuda" if torch.cuda.is_available() else "cpu"
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--text", required=True, help="a plain-text (UTF-8) file to learn from")
    p.add_argument("--model", choices=sorted(MODELS), default="gpt", help="network to train")
    p.add_argument("--epochs", type=int, default=10, help="epochs of --steps batches each")
    p.add_argument("--steps", type=int, default=200, help="training steps per epoch")
    p.add_argument("--batch-size", type=int, default=32, help="sequences per batch")
    p.add_argument("--block-size", type=int, default=64, help="characters per sequence")
    p.add_argument("--n-layer", type=int, default=2, help="transformer blocks or LSTM layers")
    p.add_argument("--n-head", type=int, default=4, help="attention heads (gpt)")
    p.add_argument("--n-embd", type=int, default=128, help="embedding and hidden width")
    p.add_argument("--dropout", type=float, default=0.0, help="dropout probability")
    p.add_argument("--lr", type=float, default=3e-3, help="AdamW learning rate")
    p.add_argument("--sample-chars", type=int, default=200, help="characters sampled per epoch")
    p.add_argument("--device", default=default_device, help="cpu, cuda or cuda:N")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--out", default=".", help="folder for the trained weights")
    return p.parse_args(argv)


def unigram_entropy(data, vocab_size):
    """Entropy in nats of the character frequencies: the loss of the best context-free model."""
    p = torch.bincount(data, minlength=vocab_size).double() / len(data)
    p = p[p > 0]
    return -(p * p.log()).sum().item()


def get_batch(data, batch_size, block_size, device):
    """Random windows of ``data``: inputs (B, T) and the same windows shifted by one."""
    starts = torch.randint(len(data) - block_size, (batch_size,))
    x = torch.stack([data[i : i + block_size] for i in starts])
    y = torch.stack([data[i + 1 : i + 1 + block_size] for i in starts])
    return x.to(device), y.to(device)


@torch.no_grad()
def estimate_loss(model, data, args, device, batches=10):
    """Mean loss over a few random batches of ``data``, with dropout off."""
    model.eval()
    losses = []
    for _ in range(batches):
        x, y = get_batch(data, args.batch_size, args.block_size, device)
        logits = model(x)
        losses.append(F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1)).item())
    model.train()
    return sum(losses) / len(losses)


def main(argv=None):
    """Run the example with the command-line arguments ``argv``; returns what it measured."""
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    try:
        text = Path(args.text).read_text(encoding="utf-8")
    except OSError as error:
        sys.exit(f"cannot read --text {args.text}: {error.strerror}")
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    n_train = int(0.9 * len(data))  # the last 10% is held out for the validation loss
    train_data, val_data = data[:n_train], data[n_train:]
    entropy = unigram_entropy(train_data, len(chars))
    print(f"{len(text):,} characters, {len(chars)} distinct")
    print(f"unigram entropy of the text: {entropy:.3f} nats/char (the loss to beat)")

    config = Config(
        len(chars), args.block_size, args.n_layer, args.n_head, args.n_embd, args.dropout
    )
    model = MODELS[args.model](config).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    start = time.perf_counter()
    history = []
    for epoch in range(1, args.epochs + 1):
        total = 0.0
        for _ in range(args.steps):
            x, y = get_batch(train_data, args.batch_size, args.block_size, device)
            logits = model(x)
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # keeps early LSTM steps sane
            optimizer.step()
            total += loss.item()
        train_loss, val_loss = total / args.steps, estimate_loss(model, val_data, args, device)
        history.append({"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss})
        elapsed = time.perf_counter() - start
        print(
            f"epoch {epoch}/{args.epochs}: train loss {train_loss:.3f}, val loss {val_loss:.3f} "
            f"nats/char (unigram entropy {entropy:.3f}), {elapsed:.0f} s"
        )
        model.eval()
        newline = torch.tensor([[stoi.get("\n", 0)]], device=device)
        sample = model.generate(newline, args.sample_chars)[0].tolist()
        model.train()
        print("".join(chars[i] for i in sample[1:]))
        print("-" * 60)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    weights = out / f"char_lm_{args.model}.pth"
    torch.save({"model": model.state_dict(), "chars": "".join(chars)}, weights)
    print(f"saved {weights}")
    return {"unigram_entropy": entropy, "history": history}


if __name__ == "__main__":
    main()
