#!/usr/bin/env python3
"""Logits of a Transformers Mixtral / Qwen2-MoE / OLMoE checkpoint folder, in PyTorch.

Written from the Transformers modelling code (src/transformers/models/{mixtral,qwen2_moe,olmoe}/
modeling_*.py, eager attention, no cache) for checking @smoe/hub without installing Transformers:
Debian's python3-torch is enough. Reads config.json and model.safetensors or the shards of
model.safetensors.index.json (F32, F16, BF16), computes in float64, prints JSON
{"logits": [[...], ...]} for one sequence.

    python3 reference_logits.py DIR 3,17,0,39
"""
import json
import math
import os
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    start = 8 + length
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = bytearray(data[start + begin : start + end])
        t = torch.frombuffer(raw, dtype=DTYPES[entry["dtype"]]) if end > begin else torch.zeros(0)
        tensors[name] = t.reshape(entry["shape"]).to(torch.float64)
    return tensors


def read_folder(folder):
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    tensors = {}
    for name in files:
        tensors.update(read_safetensors(os.path.join(folder, name)))
    return tensors


def rms_norm(x, weight, eps):
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rotary(x, base):
    # x: [heads, T, d]; LlamaRotaryEmbedding's default rope: inv_freq = 1 / base^(2j/d), emb = cat(freqs, freqs).
    d = x.shape[-1]
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
    freqs = torch.outer(torch.arange(x.shape[1], dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    return x * emb.cos() + rotate_half(x) * emb.sin()


def linear(x, w, b=None):
    y = x @ w.T
    return y + b if b is not None else y


def swiglu(x, gate, up, down):
    return linear(torch.nn.functional.silu(linear(x, gate)) * linear(x, up), down)


def logits(folder, ids):
    with open(os.path.join(folder, "config.json")) as f:
        c = json.load(f)
    w = read_folder(folder)
    layout = c["model_type"]
    hidden = c["hidden_size"]
    heads = c["num_attention_heads"]
    kv_heads = c.get("num_key_value_heads") or heads
    d = c.get("head_dim") or hidden // heads
    eps = c["rms_norm_eps"]
    base = c.get("rope_theta", 1e6 if layout == "mixtral" else 10000.0)
    h = w["model.embed_tokens.weight"][torch.tensor(ids)]
    T = len(ids)
    mask = torch.full((T, T), float("-inf"), dtype=torch.float64).triu(1)
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}"
        x = rms_norm(h, w[f"{p}.input_layernorm.weight"], eps)
        bias = (lambda n: w[f"{p}.self_attn.{n}.bias"]) if layout == "qwen2_moe" else (lambda n: None)
        q = linear(x, w[f"{p}.self_attn.q_proj.weight"], bias("q_proj"))
        k = linear(x, w[f"{p}.self_attn.k_proj.weight"], bias("k_proj"))
        v = linear(x, w[f"{p}.self_attn.v_proj.weight"], bias("v_proj"))
        if layout == "olmoe":
            q = rms_norm(q, w[f"{p}.self_attn.q_norm.weight"], eps)
            k = rms_norm(k, w[f"{p}.self_attn.k_norm.weight"], eps)
        q = rotary(q.view(T, heads, d).transpose(0, 1), base)
        k = rotary(k.view(T, kv_heads, d).transpose(0, 1), base)
        v = v.view(T, kv_heads, d).transpose(0, 1)
        k = k.repeat_interleave(heads // kv_heads, dim=0)  # repeat_kv
        v = v.repeat_interleave(heads // kv_heads, dim=0)
        scores = q @ k.transpose(1, 2) / math.sqrt(d) + mask
        attn = (torch.softmax(scores, dim=-1) @ v).transpose(0, 1).reshape(T, heads * d)
        h = h + linear(attn, w[f"{p}.self_attn.o_proj.weight"])
        n = rms_norm(h, w[f"{p}.post_attention_layernorm.weight"], eps)
        sparse = i not in c.get("mlp_only_layers", []) and (i + 1) % c.get("decoder_sparse_step", 1) == 0
        if not sparse:
            h = h + swiglu(n, w[f"{p}.mlp.gate_proj.weight"], w[f"{p}.mlp.up_proj.weight"], w[f"{p}.mlp.down_proj.weight"])
            continue
        moe = f"{p}.block_sparse_moe" if layout == "mixtral" else f"{p}.mlp"
        names = ("w1", "w3", "w2") if layout == "mixtral" else ("gate_proj", "up_proj", "down_proj")
        probabilities = torch.softmax(linear(n, w[f"{moe}.gate.weight"]), dim=-1)
        weights, chosen = torch.topk(probabilities, c["num_experts_per_tok"], dim=-1)
        if layout == "mixtral" or c.get("norm_topk_prob", False):
            weights = weights / weights.sum(dim=-1, keepdim=True)
        out = torch.zeros_like(n)
        for t in range(T):
            for weight, e in zip(weights[t], chosen[t]):
                e = int(e)
                expert = [w[f"{moe}.experts.{e}.{name}.weight"] for name in names]
                out[t] += weight * swiglu(n[t : t + 1], *expert)[0]
        if layout == "qwen2_moe":
            shared = swiglu(n, *[w[f"{moe}.shared_expert.{name}.weight"] for name in ("gate_proj", "up_proj", "down_proj")])
            out = out + torch.sigmoid(linear(n, w[f"{moe}.shared_expert_gate.weight"])) * shared
        h = h + out
    h = rms_norm(h, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if c.get("tie_word_embeddings", False) else w["lm_head.weight"]
    return linear(h, head)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: reference_logits.py DIR ID,ID,...")
    result = logits(sys.argv[1], [int(v) for v in sys.argv[2].split(",")])
    print(json.dumps({"logits": result.tolist()}))
