"""PyTorch reference of smoe's training workloads, for `pnpm bench:train` (bench/train.ts).

The same architecture as @smoe/moe's LanguageModel with token-choice MoE FFNs (the demo's
default model), written as a PyTorch user would:

  h0 = TokenEmbedding(ids) + PositionEmbedding(0..T-1)             Normal(0, 0.02)
  h  = x + Attention(LN1(x));  y = h + MoE(LN2(h))                 pre-LN blocks, causal attention
  logits = LN(hL) W_out;  loss = CE(logits, targets) + sum of the layers' aux losses
  MoE: S = x W_g (no bias, N(0, 0.1/d)); top-k of S; w = softmax over the k selected scores;
       y_t = sum over its k experts of w * (GELU_tanh(x_t W1[e] + b1[e]) W2[e] + b2[e])
       aux = 0.01 * N * sum_j f_j P_j  (Switch balance)  +  0.001 * mean(logsumexp(S)^2)  (z-loss)
  AdamW (decay on the weight matrices only), global gradient-norm clip, warm-up + cosine lr.

It runs as a worker: bench/train.ts writes one JSON command per line on stdin and reads one
JSON reply per line on stdout, so both sides can be measured in alternating rounds:

  {"workload": "lm", "layers": 2, "modelDim": 64, ...}  -> {"ready": true, "threads": 2, ...}
  {"workload": "moeLayer", "tokens": 1024, ...}         -> {"ready": true, ...}
  {"steps": 5}                                          -> {"seconds": ..., "loss": ...}
  {"quit": true}                                        -> exits

Needs Debian's python3-torch (bench/setup.sh installs it).
"""
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn


class Attention(nn.Module):
    """Multi-head causal self-attention with biased q, k, v and output projections."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value, self.output = (nn.Linear(dim, dim) for _ in range(4))
        for linear in (self.query, self.key, self.value, self.output):
            nn.init.xavier_normal_(linear.weight)
            nn.init.zeros_(linear.bias)

    def forward(self, x):
        batch, tokens, dim = x.shape
        split = lambda t: t.view(batch, tokens, self.heads, dim // self.heads).transpose(1, 2)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-2, -1) / math.sqrt(dim // self.heads)
        mask = torch.ones(tokens, tokens, dtype=torch.bool).triu(1)
        weights = scores.masked_fill(mask, float("-inf")).softmax(-1)
        return self.output((weights @ v).transpose(1, 2).reshape(batch, tokens, dim))


class MoELayer(nn.Module):
    """Token-choice top-k MoE FFN: linear gate, softmax over the selected scores, GELU experts."""

    def __init__(self, dim, hidden, experts, top_k, balance_weight=0.01, z_weight=1e-3):
        super().__init__()
        self.experts, self.top_k = experts, top_k
        self.balance_weight, self.z_weight = balance_weight, z_weight
        self.gate = nn.Parameter(torch.randn(dim, experts) * math.sqrt(0.1 / dim))
        self.w1 = nn.Parameter(torch.empty(experts, dim, hidden))
        self.w2 = nn.Parameter(torch.empty(experts, hidden, dim))
        for w in (self.w1, self.w2):
            for e in range(experts):
                nn.init.xavier_normal_(w.data[e])
        self.b1 = nn.Parameter(torch.zeros(experts, hidden))
        self.b2 = nn.Parameter(torch.zeros(experts, dim))
        self.aux_loss = None

    def forward(self, x):
        tokens = x.shape[0]
        scores = x @ self.gate  # [T, N]
        top_scores, top_experts = scores.topk(self.top_k, dim=-1)
        weights = top_scores.softmax(-1).reshape(-1)
        expert = top_experts.reshape(-1)
        token = torch.arange(tokens).repeat_interleave(self.top_k)
        counts = torch.bincount(expert, minlength=self.experts)
        fraction = counts.float() / expert.numel()
        balance = self.experts * (fraction * scores.softmax(-1).mean(0)).sum()
        z = torch.logsumexp(scores, -1).square().mean()
        self.aux_loss = self.balance_weight * balance + self.z_weight * z
        order = torch.argsort(expert, stable=True)
        rows = x[token[order]]
        outputs = []
        for e, chunk in enumerate(rows.split(counts.tolist())):
            if chunk.shape[0] == 0:
                continue
            h = F.gelu(chunk @ self.w1[e] + self.b1[e], approximate="tanh")
            outputs.append(h @ self.w2[e] + self.b2[e])
        out = torch.cat(outputs) * weights[order, None]
        return torch.zeros_like(x).index_add(0, token[order], out)


class Block(nn.Module):
    """Pre-LN transformer block: h = x + Attention(LN1(x)); y = h + MoE(LN2(h))."""

    def __init__(self, dim, heads, hidden, experts, top_k):
        super().__init__()
        self.attention_norm, self.ffn_norm = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attention = Attention(dim, heads)
        self.ffn = MoELayer(dim, hidden, experts, top_k)

    def forward(self, x):
        batch, tokens, dim = x.shape
        h = x + self.attention(self.attention_norm(x))
        return h + self.ffn(self.ffn_norm(h).reshape(batch * tokens, dim)).reshape(batch, tokens, dim)


class LanguageModel(nn.Module):
    """Decoder-only transformer with MoE FFNs in every block."""

    def __init__(self, vocab, context, layers, dim, heads, hidden, experts, top_k):
        super().__init__()
        self.token_embedding = nn.Parameter(torch.randn(vocab, dim) * 0.02)
        self.position_embedding = nn.Parameter(torch.randn(context, dim) * 0.02)
        self.blocks = nn.ModuleList(Block(dim, heads, hidden, experts, top_k) for _ in range(layers))
        self.final_norm = nn.LayerNorm(dim)
        self.head = nn.Parameter(torch.randn(dim, vocab) * 0.02)

    def loss(self, inputs, targets):
        tokens = inputs.shape[1]
        h = self.token_embedding[inputs] + self.position_embedding[:tokens]
        for block in self.blocks:
            h = block(h)
        logits = self.final_norm(h) @ self.head
        task = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        return task + sum(block.ffn.aux_loss for block in self.blocks), task


def adamw(model, lr, weight_decay):
    """AdamW decaying the weight matrices only (smoe's default exclusion: norms, biases, rank < 2)."""
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "norm" not in n and "bias" not in n]
    rest = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "norm" not in n and "bias" not in n)]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay}, {"params": rest, "weight_decay": 0.0}], lr=lr)


def warmup_cosine(warmup, total, minimum=0.1):
    """smoe's warmupCosine (steps count from 1): linear warm-up, then cosine decay to `minimum` of the peak."""

    def factor(index):  # LambdaLR counts from 0
        step = index + 1
        if step <= warmup:
            return step / warmup
        if step >= total:
            return minimum
        return minimum + (1 - minimum) * 0.5 * (1 + math.cos(math.pi * (step - warmup) / (total - warmup)))

    return factor


class LanguageModelWorkload:
    """Trains the LM on random windows of a token file (int32, little-endian)."""

    def __init__(self, c):
        torch.manual_seed(c.get("seed", 1))
        self.batch, self.context = c["batch"], c["context"]
        self.model = LanguageModel(c["vocab"], c["context"], c["layers"], c["modelDim"], c["heads"], c["ffDim"], c["experts"], c["topK"])
        self.optimizer = adamw(self.model, c["lr"], c["weightDecay"])
        self.schedule = torch.optim.lr_scheduler.LambdaLR(self.optimizer, warmup_cosine(c["warmup"], c["totalSteps"]))
        self.clip = c["clipNorm"]
        with open(c["tokens"], "rb") as f:
            self.corpus = torch.frombuffer(bytearray(f.read()), dtype=torch.int32).long()
        self.generator = torch.Generator().manual_seed(c.get("seed", 1))

    def step(self):
        starts = torch.randint(0, self.corpus.numel() - self.context - 1, (self.batch,), generator=self.generator)
        windows = torch.stack([self.corpus[s : s + self.context + 1] for s in starts.tolist()])
        loss, task = self.model.loss(windows[:, :-1], windows[:, 1:])
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.clip)
        self.optimizer.step()
        self.schedule.step()
        return task.item()


class MoELayerWorkload:
    """Forward + backward of one MoE layer on a fixed input, loss mean(y²) + aux (as packages/moe/bench)."""

    def __init__(self, c):
        torch.manual_seed(c.get("seed", 1))
        self.layer = MoELayer(c["dim"], c["hidden"], c["experts"], c["topK"])
        self.x = torch.randn(c["tokens"], c["dim"], requires_grad=True)

    def step(self):
        loss = self.layer(self.x).square().mean() + self.layer.aux_loss
        loss.backward()
        self.layer.zero_grad(set_to_none=True)
        self.x.grad = None
        return loss.item()


def main():
    threads = int(os.environ.get("SMOE_BENCH_TORCH_THREADS", os.cpu_count() or 1))
    torch.set_num_threads(threads)
    workload = None
    reply = lambda obj: print(json.dumps(obj), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if command.get("quit"):
            break
        if "workload" in command:
            kind = command["workload"]
            workload = LanguageModelWorkload(command) if kind == "lm" else MoELayerWorkload(command)
            reply({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()})
            continue
        start = time.perf_counter()
        loss = 0.0
        for _ in range(command["steps"]):
            loss = workload.step()
        reply({"seconds": time.perf_counter() - start, "loss": loss})


if __name__ == "__main__":
    main()
