// Test checkpoints written without smoe's code: the tensor names and shapes Transformers
// publishes for each layout, a small safetensors writer (F32, F16, BF16 and any raw dtype), tiny
// configs, and a float64 forward pass written from Transformers' modelling code that reads the
// tensors by their Transformers names.
//
// Key names, from huggingface/transformers src/transformers/models/:
//   mixtral/modeling_mixtral.py    MixtralForCausalLM.lm_head, MixtralModel.{embed_tokens, layers, norm},
//     MixtralDecoderLayer.{input_layernorm, self_attn, block_sparse_moe, post_attention_layernorm},
//     MixtralAttention.{q,k,v,o}_proj (bias=False), MixtralSparseMoeBlock.{gate, experts},
//     MixtralBlockSparseTop2MLP.{w1 (gate), w2 (down), w3 (up)}: w2(act(w1(x)) * w3(x))
//   qwen2_moe/modeling_qwen2_moe.py Qwen2MoeAttention.{q,k,v}_proj (bias), o_proj (no bias),
//     Qwen2MoeDecoderLayer.mlp = Qwen2MoeSparseMoeBlock.{gate, experts, shared_expert, shared_expert_gate}
//     or Qwen2MoeMLP.{gate_proj, up_proj, down_proj} for mlp_only_layers / decoder_sparse_step
//   olmoe/modeling_olmoe.py        OlmoeAttention.{q,k,v,o}_proj, q_norm [hidden], k_norm [kv heads·head_dim],
//     OlmoeSparseMoeBlock.{gate, experts}, OlmoeMLP.{gate_proj, up_proj, down_proj}
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@smoe/tensor';

export type Layout = 'mixtral' | 'qwen2_moe' | 'olmoe';

/** Shapes in config symbols: V vocab, H hidden, Q heads·head_dim, K kv heads·head_dim, E experts, I expert width, S shared width, D dense width. */
type Dim = 'V' | 'H' | 'Q' | 'K' | 'E' | 'I' | 'S' | 'D' | 1;

/** Model-level keys: MixtralModel / Qwen2MoeModel / OlmoeModel .embed_tokens, .norm, and *ForCausalLM.lm_head. */
const modelKeys: Array<[string, Dim[]]> = [['model.embed_tokens.weight', ['V', 'H']], ['model.norm.weight', ['H']], ['lm_head.weight', ['V', 'H']]];
/** Mixtral's and OLMoE's attention projections, bias=False. */
const projections: Array<[string, Dim[]]> = [
  ['model.layers.{i}.self_attn.q_proj.weight', ['Q', 'H']],
  ['model.layers.{i}.self_attn.k_proj.weight', ['K', 'H']],
  ['model.layers.{i}.self_attn.v_proj.weight', ['K', 'H']],
  ['model.layers.{i}.self_attn.o_proj.weight', ['H', 'Q']],
];

/** Per layer ({i}), per expert ({j}); `sparse` keys only in MoE layers, `dense` only in dense ones. */
export const publishedKeys: Record<Layout, { model: Array<[string, Dim[]]>; layer: Array<[string, Dim[]]>; sparse: Array<[string, Dim[]]>; expert: Array<[string, Dim[]]>; dense: Array<[string, Dim[]]> }> = {
  mixtral: {
    model: modelKeys,
    layer: [
      ['model.layers.{i}.input_layernorm.weight', ['H']],
      ...projections,
      ['model.layers.{i}.post_attention_layernorm.weight', ['H']],
    ],
    sparse: [['model.layers.{i}.block_sparse_moe.gate.weight', ['E', 'H']]],
    expert: [
      ['model.layers.{i}.block_sparse_moe.experts.{j}.w1.weight', ['I', 'H']],
      ['model.layers.{i}.block_sparse_moe.experts.{j}.w2.weight', ['H', 'I']],
      ['model.layers.{i}.block_sparse_moe.experts.{j}.w3.weight', ['I', 'H']],
    ],
    dense: [],
  },
  qwen2_moe: {
    model: modelKeys,
    layer: [
      ['model.layers.{i}.input_layernorm.weight', ['H']],
      ['model.layers.{i}.self_attn.q_proj.weight', ['Q', 'H']],
      ['model.layers.{i}.self_attn.q_proj.bias', ['Q']],
      ['model.layers.{i}.self_attn.k_proj.weight', ['K', 'H']],
      ['model.layers.{i}.self_attn.k_proj.bias', ['K']],
      ['model.layers.{i}.self_attn.v_proj.weight', ['K', 'H']],
      ['model.layers.{i}.self_attn.v_proj.bias', ['K']],
      ['model.layers.{i}.self_attn.o_proj.weight', ['H', 'Q']],
      ['model.layers.{i}.post_attention_layernorm.weight', ['H']],
    ],
    sparse: [
      ['model.layers.{i}.mlp.gate.weight', ['E', 'H']],
      ['model.layers.{i}.mlp.shared_expert.gate_proj.weight', ['S', 'H']],
      ['model.layers.{i}.mlp.shared_expert.up_proj.weight', ['S', 'H']],
      ['model.layers.{i}.mlp.shared_expert.down_proj.weight', ['H', 'S']],
      ['model.layers.{i}.mlp.shared_expert_gate.weight', [1, 'H']],
    ],
    expert: [
      ['model.layers.{i}.mlp.experts.{j}.gate_proj.weight', ['I', 'H']],
      ['model.layers.{i}.mlp.experts.{j}.up_proj.weight', ['I', 'H']],
      ['model.layers.{i}.mlp.experts.{j}.down_proj.weight', ['H', 'I']],
    ],
    dense: [
      ['model.layers.{i}.mlp.gate_proj.weight', ['D', 'H']],
      ['model.layers.{i}.mlp.up_proj.weight', ['D', 'H']],
      ['model.layers.{i}.mlp.down_proj.weight', ['H', 'D']],
    ],
  },
  olmoe: {
    model: modelKeys,
    layer: [
      ['model.layers.{i}.input_layernorm.weight', ['H']],
      ...projections,
      ['model.layers.{i}.self_attn.q_norm.weight', ['Q']],
      ['model.layers.{i}.self_attn.k_norm.weight', ['K']],
      ['model.layers.{i}.post_attention_layernorm.weight', ['H']],
    ],
    sparse: [['model.layers.{i}.mlp.gate.weight', ['E', 'H']]],
    expert: [
      ['model.layers.{i}.mlp.experts.{j}.gate_proj.weight', ['I', 'H']],
      ['model.layers.{i}.mlp.experts.{j}.up_proj.weight', ['I', 'H']],
      ['model.layers.{i}.mlp.experts.{j}.down_proj.weight', ['H', 'I']],
    ],
    dense: [],
  },
};

/** A tiny config.json per layout: 2 layers, width 32, 4 experts, 4 query heads over 2 kv heads. */
export function tinyConfig(layout: Layout, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const common = { vocab_size: 40, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 64, rope_theta: 10000, hidden_act: 'silu', num_experts_per_tok: 2, tie_word_embeddings: false };
  const byLayout: Record<Layout, Record<string, unknown>> = {
    mixtral: { architectures: ['MixtralForCausalLM'], model_type: 'mixtral', intermediate_size: 16, num_local_experts: 4, rms_norm_eps: 1e-5 },
    qwen2_moe: { architectures: ['Qwen2MoeForCausalLM'], model_type: 'qwen2_moe', intermediate_size: 24, moe_intermediate_size: 16, shared_expert_intermediate_size: 20, num_experts: 4, norm_topk_prob: false, decoder_sparse_step: 1, mlp_only_layers: [0], rms_norm_eps: 1e-6 },
    olmoe: { architectures: ['OlmoeForCausalLM'], model_type: 'olmoe', intermediate_size: 16, num_experts: 4, norm_topk_prob: false, rms_norm_eps: 1e-5, clip_qkv: null },
  };
  return { ...common, ...byLayout[layout], ...overrides };
}

/** Every key and shape a checkpoint of `config` holds, from the published templates. */
export function publishedTensors(layout: Layout, config: Record<string, unknown>): Array<{ key: string; shape: number[] }> {
  const c = config as Record<string, number> & { mlp_only_layers?: number[]; tie_word_embeddings?: boolean };
  const headDim = c.hidden_size / c.num_attention_heads;
  const sizes: Record<Exclude<Dim, 1>, number> = {
    V: c.vocab_size,
    H: c.hidden_size,
    Q: c.num_attention_heads * headDim,
    K: c.num_key_value_heads * headDim,
    E: layout === 'mixtral' ? c.num_local_experts : c.num_experts,
    I: layout === 'qwen2_moe' ? c.moe_intermediate_size : c.intermediate_size,
    S: c.shared_expert_intermediate_size,
    D: c.intermediate_size,
  };
  const t = publishedKeys[layout];
  const shape = (dims: Dim[]): number[] => dims.map((d) => (d === 1 ? 1 : sizes[d]));
  const out: Array<{ key: string; shape: number[] }> = [];
  const [embed, norm, head] = t.model;
  out.push({ key: embed[0], shape: shape(embed[1]) });
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const sparse = !(c.mlp_only_layers ?? []).includes(i) && (i + 1) % (c.decoder_sparse_step ?? 1) === 0;
    const put = (list: Array<[string, Dim[]]>, j?: number): void => list.forEach(([key, dims]) => out.push({ key: key.replace('{i}', String(i)).replace('{j}', String(j)), shape: shape(dims) }));
    put(t.layer);
    if (!sparse) put(t.dense);
    else {
      put(t.sparse);
      for (let j = 0; j < sizes.E; j++) put(t.expert, j);
    }
  }
  out.push({ key: norm[0], shape: shape(norm[1]) });
  if (!c.tie_word_embeddings) out.push({ key: head[0], shape: shape(head[1]) });
  return out;
}

/** One tensor to write; `dtype` other than F32/F16/BF16 writes `values.length` raw bytes per element count given by `bytes`. */
export interface WrittenTensor {
  key: string;
  shape: number[];
  values: Float32Array;
  dtype?: string;
}

function roundTo(dtype: string, v: number): number {
  if (dtype === 'BF16') return new Float32Array(new Uint32Array([new Uint32Array(new Float32Array([v]).buffer)[0] & 0xffff0000]).buffer)[0];
  if (dtype === 'F16') return Math.round(v * 1024) / 1024; // |v| < 1: an f16 value (10 fraction bits, exponent ≥ −14 … here values ≥ 2⁻¹⁰)
  return Math.fround(v);
}

function encode(dtype: string, values: Float32Array): Buffer {
  if (dtype === 'F32') return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const out = Buffer.alloc(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const bits = new Uint32Array(new Float32Array([values[i]]).buffer)[0];
    if (dtype === 'BF16') out.writeUInt16LE(bits >>> 16, 2 * i);
    else if (dtype === 'F16') {
      // Exact for the values roundTo('F16') makes: sign, exponent rebased from 127 to 15, top 10 fraction bits.
      const sign = (bits >>> 16) & 0x8000;
      const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
      out.writeUInt16LE(values[i] === 0 ? sign : sign | (exponent << 10) | ((bits >>> 13) & 0x3ff), 2 * i);
    } else out.writeUInt16LE(0, 2 * i); // an unknown dtype: 2 bytes per element, never read
  }
  return out;
}

/** Writes a safetensors file (format 'pt'), every tensor in its own dtype (default F32). */
export function writeSafetensors(path: string, tensors: WrittenTensor[]): void {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const t of tensors) {
    const bytes = encode(t.dtype ?? 'F32', t.values);
    header[t.key] = { dtype: t.dtype ?? 'F32', shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([length, Buffer.from(json), ...chunks]));
}

/** Seeded values for a tensor: norm weights near 1, everything else small (|v| < 0.5). */
export function tensorValues(key: string, size: number, rng: Rng, dtype = 'F32'): Float32Array {
  const isNorm = /norm\.weight$|layernorm\.weight$/.test(key);
  const scale = key.includes('embed_tokens') || key.includes('lm_head') ? 0.5 : 0.3;
  return Float32Array.from({ length: size }, () => roundTo(dtype, isNorm ? 0.75 + 0.5 * rng.next() : scale * (2 * rng.next() - 1)));
}

/** Options of `writeCheckpoint`. */
export interface CheckpointOptions {
  seed?: number;
  /** Stored dtype of every tensor. Default F32. */
  dtype?: 'F32' | 'F16' | 'BF16';
  /** Number of shards (1: a single model.safetensors). Default 1. */
  shards?: number;
}

/** Writes config.json and the tensors of a checkpoint of `config`; returns the tensors (as stored) by key. */
export function writeCheckpoint(dir: string, layout: Layout, config: Record<string, unknown>, options: CheckpointOptions = {}): Map<string, { shape: number[]; values: Float32Array }> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  const rng = new Rng(options.seed ?? 1);
  const dtype = options.dtype ?? 'F32';
  const tensors = publishedTensors(layout, config).map(({ key, shape }) => ({ key, shape, dtype, values: tensorValues(key, shape.reduce((a, b) => a * b, 1), rng, dtype) }));
  const shards = options.shards ?? 1;
  if (shards === 1) writeSafetensors(join(dir, 'model.safetensors'), tensors);
  else {
    const weightMap: Record<string, string> = {};
    const per = Math.ceil(tensors.length / shards);
    for (let s = 0; s < shards; s++) {
      const name = `model-${String(s + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
      const part = tensors.slice(s * per, (s + 1) * per);
      part.forEach((t) => (weightMap[t.key] = name));
      writeSafetensors(join(dir, name), part);
    }
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
  }
  return new Map(tensors.map((t) => [t.key, { shape: t.shape, values: t.values }]));
}

// ---------------------------------------------------------------------------------------------
// Float64 forward pass, transcribed from the Transformers modelling code cited above.

type Matrix = number[][];

const linear = (x: Matrix, w: Float32Array, out: number, bias?: Float32Array): Matrix =>
  x.map((row) => Array.from({ length: out }, (_, o) => row.reduce((s, v, i) => s + v * w[o * row.length + i], bias ? bias[o] : 0)));
const rmsNorm = (x: Matrix, w: Float32Array, eps: number): Matrix =>
  x.map((row) => {
    const r = 1 / Math.sqrt(row.reduce((s, v) => s + v * v, 0) / row.length + eps);
    return row.map((v, i) => v * r * w[i]);
  });
const silu = (v: number): number => v / (1 + Math.exp(-v));
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const softmax = (row: number[]): number[] => {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const add = (a: Matrix, b: Matrix): Matrix => a.map((row, t) => row.map((v, i) => v + b[t][i]));

/** Logits [T][vocab] of one sequence `ids` by Transformers' forward pass (eager attention, no cache). */
export function referenceLogits(layout: Layout, config: Record<string, unknown>, tensors: Map<string, { values: Float32Array }>, ids: number[]): Matrix {
  const c = config as Record<string, number> & { mlp_only_layers?: number[]; tie_word_embeddings?: boolean; norm_topk_prob?: boolean };
  const w = (key: string): Float32Array => {
    const t = tensors.get(key);
    if (!t) throw new Error(`reference: no tensor ${key}`);
    return t.values;
  };
  const H = c.hidden_size;
  const heads = c.num_attention_heads;
  const kvHeads = c.num_key_value_heads;
  const d = H / heads;
  const eps = c.rms_norm_eps;
  const embed = w('model.embed_tokens.weight');
  let h: Matrix = ids.map((id) => Array.from(embed.subarray(id * H, id * H + H)));
  const T = ids.length;
  // LlamaRotaryEmbedding: inv_freq = 1 / base^(arange(0, d, 2) / d); emb = cat(freqs, freqs); rotate_half.
  const rope = (x: number[], t: number): number[] => x.map((v, i) => {
    const j = i % (d / 2);
    const angle = t / c.rope_theta ** ((2 * j) / d);
    const rotated = i < d / 2 ? -x[i + d / 2] : x[i - d / 2];
    return v * Math.cos(angle) + rotated * Math.sin(angle);
  });
  const swiglu = (x: Matrix, gate: string, up: string, down: string, width: number): Matrix => {
    const g = linear(x, w(gate), width);
    const u = linear(x, w(up), width);
    return linear(g.map((row, t) => row.map((v, i) => silu(v) * u[t][i])), w(down), H);
  };
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `model.layers.${l}`;
    const x = rmsNorm(h, w(`${p}.input_layernorm.weight`), eps);
    const bias = (name: string): Float32Array | undefined => (layout === 'qwen2_moe' ? w(`${p}.self_attn.${name}.bias`) : undefined);
    let q = linear(x, w(`${p}.self_attn.q_proj.weight`), heads * d, bias('q_proj'));
    let k = linear(x, w(`${p}.self_attn.k_proj.weight`), kvHeads * d, bias('k_proj'));
    const v = linear(x, w(`${p}.self_attn.v_proj.weight`), kvHeads * d, bias('v_proj'));
    if (layout === 'olmoe') {
      q = rmsNorm(q, w(`${p}.self_attn.q_norm.weight`), eps);
      k = rmsNorm(k, w(`${p}.self_attn.k_norm.weight`), eps);
    }
    const attn: Matrix = Array.from({ length: T }, () => new Array<number>(heads * d).fill(0));
    for (let head = 0; head < heads; head++) {
      const g = Math.floor(head / (heads / kvHeads)); // repeat_kv
      const qs = q.map((row, t) => rope(row.slice(head * d, head * d + d), t));
      const ks = k.map((row, t) => rope(row.slice(g * d, g * d + d), t));
      for (let t = 0; t < T; t++) {
        const scores = Array.from({ length: t + 1 }, (_, s) => qs[t].reduce((a, qv, i) => a + qv * ks[s][i], 0) / Math.sqrt(d));
        const pr = softmax(scores);
        for (let i = 0; i < d; i++) attn[t][head * d + i] = pr.reduce((a, pv, s) => a + pv * v[s][g * d + i], 0);
      }
    }
    h = add(h, linear(attn, w(`${p}.self_attn.o_proj.weight`), H));
    const n = rmsNorm(h, w(`${p}.post_attention_layernorm.weight`), eps);
    const sparse = !(c.mlp_only_layers ?? []).includes(l) && (l + 1) % (c.decoder_sparse_step ?? 1) === 0;
    if (!sparse) {
      h = add(h, swiglu(n, `${p}.mlp.gate_proj.weight`, `${p}.mlp.up_proj.weight`, `${p}.mlp.down_proj.weight`, c.intermediate_size));
      continue;
    }
    const moe = layout === 'mixtral' ? `${p}.block_sparse_moe` : `${p}.mlp`;
    const experts = layout === 'mixtral' ? c.num_local_experts : c.num_experts;
    const width = layout === 'qwen2_moe' ? c.moe_intermediate_size : c.intermediate_size;
    const [gate, up, down] = layout === 'mixtral' ? ['w1', 'w3', 'w2'] : ['gate_proj', 'up_proj', 'down_proj'];
    const probabilities = linear(n, w(`${moe}.gate.weight`), experts).map(softmax);
    const out: Matrix = n.map(() => new Array<number>(H).fill(0));
    for (let t = 0; t < T; t++) {
      const chosen = probabilities[t].map((pv, e) => [pv, e]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, c.num_experts_per_tok);
      const total = chosen.reduce((s, [pv]) => s + pv, 0);
      const renormalize = layout === 'mixtral' || c.norm_topk_prob === true;
      for (const [pv, e] of chosen) {
        const y = swiglu([n[t]], `${moe}.experts.${e}.${gate}.weight`, `${moe}.experts.${e}.${up}.weight`, `${moe}.experts.${e}.${down}.weight`, width)[0];
        y.forEach((yv, i) => (out[t][i] += (renormalize ? pv / total : pv) * yv));
      }
    }
    if (layout === 'qwen2_moe') {
      const shared = swiglu(n, `${moe}.shared_expert.gate_proj.weight`, `${moe}.shared_expert.up_proj.weight`, `${moe}.shared_expert.down_proj.weight`, c.shared_expert_intermediate_size);
      const gates = linear(n, w(`${moe}.shared_expert_gate.weight`), 1);
      shared.forEach((row, t) => row.forEach((sv, i) => (out[t][i] += sigmoid(gates[t][0]) * sv)));
    }
    h = add(h, out);
  }
  const final = rmsNorm(h, w('model.norm.weight'), eps);
  return linear(final, c.tie_word_embeddings ? embed : w('lm_head.weight'), c.vocab_size);
}
