"""The benchmark models, each written once against a namespace ``T`` (``ember`` or ``torch``).

Every builder takes ``T`` and returns a ``T.nn.Module``; the same source runs on both
frameworks, so a difference in step time is a difference between the frameworks, not between
two transcriptions of a model.
"""

import math

__all__ = [
    "mlp",
    "mnist_net",
    "tutorial_cnn",
    "resnet18",
    "lstm_language_model",
    "gpt",
]


def mlp(T, sizes):
    """Linear layers of the given ``sizes`` with ReLU between them (784-128-10, ...)."""
    nn = T.nn
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        if i:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(n_in, n_out))
    return nn.Sequential(*layers)


def mnist_net(T):
    """The CNN of PyTorch's ``examples/mnist``: two 3x3 convs, max-pool, dropout, two linears;
    returns log-probabilities (the example trains it with ``nll_loss``)."""
    nn, F = T.nn, T.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, 1)
            self.conv2 = nn.Conv2d(32, 64, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(9216, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = F.relu(self.conv1(x))  # (B, 32, 26, 26)
            x = F.relu(self.conv2(x))  # (B, 64, 24, 24)
            x = F.max_pool2d(x, 2)  # (B, 64, 12, 12)
            x = T.flatten(self.dropout1(x), 1)  # (B, 9216)
            x = self.dropout2(F.relu(self.fc1(x)))
            return F.log_softmax(self.fc2(x), dim=1)

    return Net()


def tutorial_cnn(T):
    """The classic MNIST tutorial CNN: conv 1->10 k5, pool, conv 10->20 k5, pool, fc 320->500,
    fc 500->10 (ReLU after each pool and the first fc)."""
    nn = T.nn
    return nn.Sequential(
        nn.Conv2d(1, 10, 5),
        nn.MaxPool2d(2),
        nn.ReLU(),
        nn.Conv2d(10, 20, 5),
        nn.MaxPool2d(2),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(320, 500),
        nn.ReLU(),
        nn.Linear(500, 10),
    )


def resnet18(T, num_classes=10):
    """ResNet-18 in torchvision's layout and parameter names (7x7 stem, max-pool, four stages
    of two BasicBlocks, average pool, fc), so its ``state_dict`` keys match
    ``ember.vision.models.resnet18``'s and torchvision's."""
    nn = T.nn

    class BasicBlock(nn.Module):
        def __init__(self, inplanes, planes, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = None
            if stride != 1 or inplanes != planes:
                self.downsample = nn.Sequential(
                    nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes)
                )

        def forward(self, x):
            identity = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return self.relu(out + identity)

    class ResNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
            self.bn1 = nn.BatchNorm2d(64)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(3, 2, 1)
            widths, inplanes = (64, 128, 256, 512), 64
            for i, planes in enumerate(widths):
                stride = 1 if i == 0 else 2
                blocks = [BasicBlock(inplanes, planes, stride), BasicBlock(planes, planes, 1)]
                setattr(self, f"layer{i + 1}", nn.Sequential(*blocks))
                inplanes = planes
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(512, num_classes)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(T.flatten(self.avgpool(x), 1))

    return ResNet()


def lstm_language_model(T, ntoken=10000, ninp=200, nhid=200, nlayers=2, dropout=0.2):
    """The LSTM model of PyTorch's ``examples/word_language_model`` (untied): embedding,
    dropout, a multi-layer LSTM over (seq, batch), dropout, linear decoder to the vocabulary."""
    nn = T.nn

    class RNNModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.drop = nn.Dropout(dropout)
            self.encoder = nn.Embedding(ntoken, ninp)
            self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout)
            self.decoder = nn.Linear(nhid, ntoken)
            nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
            nn.init.zeros_(self.decoder.bias)
            nn.init.uniform_(self.decoder.weight, -0.1, 0.1)

        def forward(self, input, hidden):
            emb = self.drop(self.encoder(input))  # (seq, B, ninp)
            output, hidden = self.rnn(emb, hidden)  # (seq, B, nhid)
            decoded = self.decoder(self.drop(output)).view(-1, ntoken)  # (seq * B, ntoken)
            return T.nn.functional.log_softmax(decoded, dim=1), hidden

        def init_hidden(self, batch):
            weight = next(self.parameters())
            shape = (nlayers, batch, nhid)
            return weight.new_zeros(shape), weight.new_zeros(shape)

    return RNNModel()


def gpt(T, vocab_size=65, block_size=64, n_layer=4, n_head=4, n_embd=128):
    """A nanoGPT-style decoder: token and position embeddings, ``n_layer`` pre-LN blocks
    (causal self-attention through ``scaled_dot_product_attention``, GELU MLP), final
    LayerNorm and an lm_head tied to the token embedding."""
    nn, F = T.nn, T.nn.functional

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = nn.Linear(n_embd, 3 * n_embd)
            self.c_proj = nn.Linear(n_embd, n_embd)

        def forward(self, x):
            B, L, C = x.shape
            q, k, v = self.c_attn(x).split(n_embd, dim=2)
            q = q.view(B, L, n_head, C // n_head).transpose(1, 2)  # (B, nh, L, hs)
            k = k.view(B, L, n_head, C // n_head).transpose(1, 2)
            v = v.view(B, L, n_head, C // n_head).transpose(1, 2)
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, nh, L, hs)
            y = y.transpose(1, 2).contiguous().view(B, L, C)
            return self.c_proj(y)

        def extra_flops(self, inputs, output):
            """The two attention matmuls (q @ k^T and att @ v), counted over the full L x L
            square although the causal mask makes half of it unused."""
            B, L, C = inputs[0].shape
            return 2 * 2 * B * L * L * C

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_fc = nn.Linear(n_embd, 4 * n_embd)
            self.gelu = nn.GELU()
            self.c_proj = nn.Linear(4 * n_embd, n_embd)

        def forward(self, x):
            return self.c_proj(self.gelu(self.c_fc(x)))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = nn.LayerNorm(n_embd)
            self.attn = CausalSelfAttention()
            self.ln_2 = nn.LayerNorm(n_embd)
            self.mlp = MLP()

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(vocab_size, n_embd)
            self.wpe = nn.Embedding(block_size, n_embd)
            self.h = nn.ModuleList([Block() for _ in range(n_layer)])
            self.ln_f = nn.LayerNorm(n_embd)
            self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
            self.wte.weight = self.lm_head.weight  # weight tying, as nanoGPT
            for name, p in self.named_parameters():
                if name.endswith("c_proj.weight"):  # nanoGPT's scaled init of residual outputs
                    nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))

        def forward(self, idx):
            B, L = idx.shape
            pos = T.arange(0, L, dtype=T.long)
            x = self.wte(idx) + self.wpe(pos)  # (B, L, n_embd)
            for block in self.h:
                x = block(x)
            return self.lm_head(self.ln_f(x))  # (B, L, vocab_size)

    return GPT()
