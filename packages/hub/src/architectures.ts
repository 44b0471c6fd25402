/**
 * The three Transformers MoE layouts smoe reads and writes, as data: how each `config.json`
 * maps to a DecoderLanguageModel config, and which smoe parameter each checkpoint tensor is.
 * Key names and defaults are those of Transformers' modelling and configuration code
 * (models/mixtral, models/qwen2_moe, models/olmoe: configuration_*.py, modeling_*.py), as
 * written on disk by `save_pretrained` (Mixtral's `block_sparse_moe.experts.<j>.w1/w2/w3`).
 *
 *   Transformers nn.Linear stores W as [out, in]; smoe stores [in, out]: those tensors are
 *   transposed. Experts are stacked in smoe ([experts, in, out]); one tensor per expert on disk.
 *
 * What differs between the layouts:
 *   mixtral    router renormalised over the top k (always); no attention biases; every layer sparse
 *   qwen2_moe  q/k/v biases; gated shared expert; norm_topk_prob (default false); dense layers by
 *              decoder_sparse_step / mlp_only_layers (their width intermediate_size)
 *   olmoe      RMSNorm on the q and k projections (q_norm, k_norm); norm_topk_prob (default false)
 *
 * The load-balancing loss: Transformers' load_balancing_loss_func is E·Σ_slots Σ_e f_{slot,e}·P_e,
 * with one routing fraction per top-k slot, which is k times smoe's E·Σ_e f_e·P_e (f over all
 * pairs, summing to 1); so balanceLossWeight = k · router_aux_loss_coef, both ways.
 */
import type { DecoderLanguageModelConfig, JsonValue, ResolvedDecoderLanguageModelConfig, RouterConfig } from '@smoe/moe';
import { isSparseLayer } from '@smoe/moe';
import { HubError } from './errors.js';

/** A Transformers `model_type` smoe reads and writes. */
export type Architecture = 'mixtral' | 'qwen2_moe' | 'olmoe';
export const architectureNames: readonly Architecture[] = ['mixtral', 'qwen2_moe', 'olmoe'];

/** A `config.json` as read (plain JSON). */
export type HuggingFaceConfig = Record<string, JsonValue>;

interface Layout {
  /** `architectures[0]` in config.json. */
  className: string;
  /** The config key of the number of routed experts. */
  expertsKey: string;
  /** The config key of each routed expert's width. */
  expertDimKey: string;
  /** Config keys whose absence would leave a shape unknown. */
  required: readonly string[];
  /** Transformers' configuration defaults for the keys smoe reads. */
  defaults: HuggingFaceConfig;
  /** The MLP's prefix in a layer and the names of a SwiGLU's gate (SiLU), up and down projections. */
  moePrefix: string;
  expertNames: readonly [gate: string, up: string, down: string];
}

const swiglu = ['gate_proj', 'up_proj', 'down_proj'] as const;

const layouts: Record<Architecture, Layout> = {
  mixtral: {
    className: 'MixtralForCausalLM',
    expertsKey: 'num_local_experts',
    expertDimKey: 'intermediate_size',
    required: ['vocab_size', 'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'num_local_experts', 'num_experts_per_tok'],
    defaults: { num_key_value_heads: null, head_dim: null, max_position_embeddings: 131072, rms_norm_eps: 1e-5, rope_theta: 1e6, tie_word_embeddings: false, hidden_act: 'silu', router_aux_loss_coef: 0.001, sliding_window: null, rope_scaling: null },
    moePrefix: 'block_sparse_moe',
    expertNames: ['w1', 'w3', 'w2'],
  },
  qwen2_moe: {
    className: 'Qwen2MoeForCausalLM',
    expertsKey: 'num_experts',
    expertDimKey: 'moe_intermediate_size',
    required: ['vocab_size', 'hidden_size', 'intermediate_size', 'moe_intermediate_size', 'shared_expert_intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'num_experts', 'num_experts_per_tok'],
    defaults: { num_key_value_heads: null, head_dim: null, max_position_embeddings: 32768, rms_norm_eps: 1e-6, rope_theta: 10000, tie_word_embeddings: false, hidden_act: 'silu', router_aux_loss_coef: 0.001, norm_topk_prob: false, decoder_sparse_step: 1, mlp_only_layers: [], use_sliding_window: false, sliding_window: 4096, rope_scaling: null },
    moePrefix: 'mlp',
    expertNames: swiglu,
  },
  olmoe: {
    className: 'OlmoeForCausalLM',
    expertsKey: 'num_experts',
    expertDimKey: 'intermediate_size',
    required: ['vocab_size', 'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'num_experts', 'num_experts_per_tok'],
    defaults: { num_key_value_heads: null, max_position_embeddings: 4096, rms_norm_eps: 1e-5, rope_theta: 10000, tie_word_embeddings: false, hidden_act: 'silu', router_aux_loss_coef: 0.01, router_z_loss_coef: 0.001, norm_topk_prob: false, clip_qkv: null, attention_bias: false, rope_scaling: null },
    moePrefix: 'mlp',
    expertNames: swiglu,
  },
};

/** A config read with Transformers' defaults and notices about what was adapted. */
export interface ReadConfig {
  architecture: Architecture;
  config: DecoderLanguageModelConfig;
  /** Things the reader adapted (a sliding window taken as the context, …). */
  notices: string[];
}

/** Maps a Transformers `config.json` to a DecoderLanguageModel config; `where` names the file in errors. */
export function fromHuggingFaceConfig(hf: HuggingFaceConfig, where: string): ReadConfig {
  const architecture = hf.model_type as Architecture;
  if (!architectureNames.includes(architecture)) throw new HubError(`${where}: model_type ${JSON.stringify(hf.model_type)} is not a layout smoe reads; supported: ${architectureNames.join(', ')}`);
  const layout = layouts[architecture];
  for (const key of layout.required) if (hf[key] === undefined || hf[key] === null) throw new HubError(`${where}: config.json has no '${key}', which a ${architecture} checkpoint needs to know its shapes`);
  const get = (key: string): JsonValue => (hf[key] === undefined ? layout.defaults[key] : hf[key]);
  const int = (key: string): number => {
    const v = get(key);
    if (!Number.isInteger(v) || (v as number) < 0) throw new HubError(`${where}: '${key}' is ${JSON.stringify(v)}, expected a non-negative integer`);
    return v as number;
  };
  const num = (key: string): number => {
    const v = get(key);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new HubError(`${where}: '${key}' is ${JSON.stringify(v)}, expected a number`);
    return v;
  };
  const unsupported = (key: string, allowed: JsonValue, why: string): void => {
    if (get(key) !== allowed && JSON.stringify(get(key)) !== JSON.stringify(allowed)) throw new HubError(`${where}: '${key}' is ${JSON.stringify(get(key))}; smoe supports only ${JSON.stringify(allowed)} (${why})`);
  };
  unsupported('hidden_act', 'silu', 'SwiGLU experts');
  unsupported('rope_scaling', null, 'the default RoPE; scaled RoPE variants are not implemented');
  if (architecture === 'olmoe') {
    unsupported('clip_qkv', null, 'no clipping of q, k, v');
    unsupported('attention_bias', false, 'OLMoE without attention biases');
  }
  const notices: string[] = [];
  let context = int('max_position_embeddings');
  const window = architecture === 'mixtral' ? get('sliding_window') : get('use_sliding_window') === true ? get('sliding_window') : null;
  if (typeof window === 'number' && window < context) {
    notices.push(`${where}: sliding-window attention of ${window} tokens: smoe attends over the whole sequence, so the context is limited to ${window} tokens, where both agree`);
    context = window;
  }
  const heads = int('num_attention_heads');
  const topK = int('num_experts_per_tok');
  const renormalize = architecture === 'mixtral' ? true : get('norm_topk_prob') === true;
  const zLoss = architecture === 'olmoe' ? num('router_z_loss_coef') : 0;
  const layers = int('num_hidden_layers');
  const mlpOnly = get('mlp_only_layers') ?? [];
  if (!Array.isArray(mlpOnly) || !mlpOnly.every((l) => Number.isInteger(l))) throw new HubError(`${where}: 'mlp_only_layers' is ${JSON.stringify(mlpOnly)}, expected a list of layer indices`);
  const experts = int(layout.expertsKey);
  if (experts === 0) throw new HubError(`${where}: '${layout.expertsKey}' is 0: a dense model, not a MoE; smoe reads MoE checkpoints`);
  const config: DecoderLanguageModelConfig = {
    model: 'decoderLanguageModel',
    vocab: int('vocab_size'),
    context,
    layers,
    modelDim: int('hidden_size'),
    heads,
    kvHeads: get('num_key_value_heads') === null ? heads : int('num_key_value_heads'),
    ...(get('head_dim') !== null && get('head_dim') !== undefined ? { headDim: int('head_dim') } : {}),
    ffDim: int('intermediate_size'),
    normEps: num('rms_norm_eps'),
    ropeBase: num('rope_theta'),
    qkvBias: architecture === 'qwen2_moe',
    qkNorm: architecture === 'olmoe',
    tieEmbeddings: get('tie_word_embeddings') === true,
    moe: {
      experts,
      expertDim: int(layout.expertDimKey),
      router: { strategy: 'tokenChoice', topK, weighting: 'softmax', renormalize, balanceLossWeight: topK * num('router_aux_loss_coef'), zLossWeight: zLoss },
      sharedExpertDim: architecture === 'qwen2_moe' ? int('shared_expert_intermediate_size') : 0,
      every: architecture === 'qwen2_moe' ? int('decoder_sparse_step') : 1,
      denseLayers: (mlpOnly as number[]).filter((l) => l < layers),
    },
  };
  return { architecture, config, notices };
}

/** Whether a token-choice router's top-k weights sum to 1 ('softmaxTopK' is softmax over the k, the same as renormalising). */
function renormalizes(router: RouterConfig): boolean {
  return (router.weighting ?? 'softmaxTopK') === 'softmaxTopK' || router.renormalize === true;
}

/** The layout a model is written in when none is asked for: the one that holds it exactly with the fewest extra tensors. */
export function defaultArchitecture(config: ResolvedDecoderLanguageModelConfig): Architecture {
  const moe = config.moe;
  if (config.qkNorm) return 'olmoe';
  if (config.qkvBias || !moe || moe.sharedExpertDim > 0 || moe.every !== 1 || moe.denseLayers.length > 0) return 'qwen2_moe';
  return renormalizes(moe.router) ? 'mixtral' : 'qwen2_moe';
}

/** Checks that `config` can be written as `architecture` and returns its config.json. */
export function toHuggingFaceConfig(config: ResolvedDecoderLanguageModelConfig, architecture: Architecture): HuggingFaceConfig {
  const moe = config.moe;
  const where = `saveHuggingFace(${architecture})`;
  const refuse = (what: string, fix: string): never => {
    throw new HubError(`${where}: ${what}; ${fix}`);
  };
  if (!architectureNames.includes(architecture)) refuse(`'${architecture}' is not a layout smoe writes`, `use one of ${architectureNames.join(', ')}`);
  if (!moe) return refuse('the model has no MoE layers', 'these layouts are MoE models; give the config a moe section');
  const router = moe.router;
  const weighting = router.weighting ?? 'softmaxTopK';
  const renormalize = renormalizes(router);
  if (router.strategy !== 'tokenChoice' || !['softmax', 'softmaxTopK'].includes(weighting as string) || router.gateBias === true || !Number.isInteger(router.topK ?? 2)) {
    refuse(`the router ${JSON.stringify(router)} is not softmax top-k token choice without a gate bias`, "Transformers' routers are { strategy: 'tokenChoice', weighting: 'softmax', topK: <integer> }; train with that router (a selection rule swapped at evaluation is fine)");
  }
  if (architecture === 'mixtral') {
    if (!renormalize) refuse('the router does not renormalise its top-k weights, and Mixtral always does', "save as 'qwen2_moe' (norm_topk_prob false)");
    if (config.qkvBias) refuse('Mixtral has no q/k/v biases', "save as 'qwen2_moe'");
    if (moe.sharedExpertDim > 0) refuse('Mixtral has no shared expert', "save as 'qwen2_moe'");
    if (moe.every !== 1 || moe.denseLayers.length > 0) refuse('Mixtral has no dense layers', "save as 'qwen2_moe' (decoder_sparse_step, mlp_only_layers)");
  }
  if (config.qkNorm && architecture !== 'olmoe') refuse('the model normalises q and k (qkNorm), which only OLMoE does', "save as 'olmoe'");
  if (architecture === 'olmoe') {
    if (!config.qkNorm) refuse('OLMoE always normalises q and k, this model does not (qkNorm false)', "save as 'qwen2_moe' or 'mixtral'");
    if (config.qkvBias) refuse('OLMoE has no q/k/v biases', "save as 'qwen2_moe'");
    if (moe.sharedExpertDim > 0 || moe.every !== 1 || moe.denseLayers.length > 0) refuse('OLMoE has no shared expert and no dense layers', "save as 'qwen2_moe'");
  }
  if (architecture !== 'mixtral' && config.headDim * config.heads !== config.modelDim) refuse(`headDim ${config.headDim} × heads ${config.heads} ≠ modelDim ${config.modelDim}, which only Mixtral's config (head_dim) can say`, "save as 'mixtral'");
  const layout = layouts[architecture];
  const topK = (router.topK as number | undefined) ?? 2;
  const hf: HuggingFaceConfig = {
    architectures: [layout.className],
    model_type: architecture,
    vocab_size: config.vocab,
    hidden_size: config.modelDim,
    intermediate_size: architecture === 'qwen2_moe' ? config.ffDim : moe.expertDim,
    num_hidden_layers: config.layers,
    num_attention_heads: config.heads,
    num_key_value_heads: config.kvHeads,
    max_position_embeddings: config.context,
    rms_norm_eps: config.normEps,
    rope_theta: config.ropeBase,
    rope_scaling: null,
    hidden_act: 'silu',
    tie_word_embeddings: config.tieEmbeddings,
    attention_dropout: 0,
    initializer_range: 0.02,
    use_cache: true,
    [layout.expertsKey]: moe.experts,
    num_experts_per_tok: topK,
    router_aux_loss_coef: ((router.balanceLossWeight as number | undefined) ?? 0.01) / topK,
    // Transformers adds the load-balancing loss to the training loss only with this set; continued training keeps it.
    output_router_logits: true,
    torch_dtype: 'float32',
  };
  if (architecture === 'mixtral') Object.assign(hf, { head_dim: config.headDim, sliding_window: null });
  if (architecture === 'qwen2_moe') {
    Object.assign(hf, {
      moe_intermediate_size: moe.expertDim,
      // A model without a shared expert is written with one whose down projection is zero: exact.
      shared_expert_intermediate_size: moe.sharedExpertDim > 0 ? moe.sharedExpertDim : 1,
      norm_topk_prob: renormalize,
      decoder_sparse_step: moe.every,
      mlp_only_layers: moe.denseLayers,
      use_sliding_window: false,
      qkv_bias: true,
    });
  }
  if (architecture === 'olmoe') Object.assign(hf, { norm_topk_prob: renormalize, clip_qkv: null, attention_bias: false, router_z_loss_coef: (router.zLossWeight as number | undefined) ?? 0.001 });
  return hf;
}

/**
 * One checkpoint tensor: its key and shape on disk, and the smoe parameter it is (by name), or
 * null where smoe has none and the tensor is written as zeros (Qwen2-MoE's q/k/v biases and
 * shared expert for a model without them). `expert`: the slice of a stacked expert tensor.
 * `transpose`: stored [out, in] on disk, [in, out] in smoe.
 */
export interface TensorSpec {
  key: string;
  shape: number[];
  parameter: string | null;
  expert?: number;
  transpose: boolean;
}

/** Every tensor of a checkpoint of `config` in `architecture`, in the order Transformers lists them. */
export function tensorSpecs(config: ResolvedDecoderLanguageModelConfig, architecture: Architecture): TensorSpec[] {
  const layout = layouts[architecture];
  const { modelDim: dim, vocab, heads, kvHeads, headDim } = config;
  const moe = config.moe;
  const specs: TensorSpec[] = [{ key: 'model.embed_tokens.weight', shape: [vocab, dim], parameter: 'tokenEmbedding', transpose: false }];
  const linear = (key: string, input: number, output: number, parameter: string | null, expert?: number): TensorSpec => ({ key: `${key}.weight`, shape: [output, input], parameter, transpose: true, ...(expert === undefined ? {} : { expert }) });
  const vector = (key: string, size: number, parameter: string | null): TensorSpec => ({ key, shape: [size], parameter, transpose: false });
  const swigluSpecs = (prefix: string, names: readonly string[], hidden: number, smoe: string | null, expert?: number): TensorSpec[] => [
    linear(`${prefix}.${names[0]}`, dim, hidden, smoe && `${smoe}.w1`, expert),
    linear(`${prefix}.${names[1]}`, dim, hidden, smoe && `${smoe}.w3`, expert),
    linear(`${prefix}.${names[2]}`, hidden, dim, smoe && `${smoe}.w2`, expert),
  ];
  for (let i = 0; i < config.layers; i++) {
    const hf = `model.layers.${i}`;
    const block = `body.blocks.${i}`;
    const bias = architecture === 'qwen2_moe';
    specs.push(vector(`${hf}.input_layernorm.weight`, dim, `${block}.inputNorm`));
    specs.push(linear(`${hf}.self_attn.q_proj`, dim, heads * headDim, `${block}.attention.query`));
    if (bias) specs.push(vector(`${hf}.self_attn.q_proj.bias`, heads * headDim, config.qkvBias ? `${block}.attention.queryBias` : null));
    specs.push(linear(`${hf}.self_attn.k_proj`, dim, kvHeads * headDim, `${block}.attention.key`));
    if (bias) specs.push(vector(`${hf}.self_attn.k_proj.bias`, kvHeads * headDim, config.qkvBias ? `${block}.attention.keyBias` : null));
    specs.push(linear(`${hf}.self_attn.v_proj`, dim, kvHeads * headDim, `${block}.attention.value`));
    if (bias) specs.push(vector(`${hf}.self_attn.v_proj.bias`, kvHeads * headDim, config.qkvBias ? `${block}.attention.valueBias` : null));
    specs.push(linear(`${hf}.self_attn.o_proj`, heads * headDim, dim, `${block}.attention.output`));
    if (architecture === 'olmoe') {
      specs.push(vector(`${hf}.self_attn.q_norm.weight`, heads * headDim, `${block}.attention.queryNorm`));
      specs.push(vector(`${hf}.self_attn.k_norm.weight`, kvHeads * headDim, `${block}.attention.keyNorm`));
    }
    specs.push(vector(`${hf}.post_attention_layernorm.weight`, dim, `${block}.postAttentionNorm`));
    if (!moe || !isSparseLayer(config, i)) {
      specs.push(...swigluSpecs(`${hf}.mlp`, swiglu, config.ffDim, `${block}.ffn`));
      continue;
    }
    const mlp = `${hf}.${layout.moePrefix}`;
    specs.push(linear(`${mlp}.gate`, dim, moe.experts, `${block}.ffn.router.scorer.weight`));
    for (let j = 0; j < moe.experts; j++) specs.push(...swigluSpecs(`${mlp}.experts.${j}`, layout.expertNames, moe.expertDim, `${block}.ffn.experts`, j));
    if (architecture === 'qwen2_moe') {
      const shared = moe.sharedExpertDim > 0;
      specs.push(...swigluSpecs(`${mlp}.shared_expert`, swiglu, shared ? moe.sharedExpertDim : 1, shared ? `${block}.sharedExpert` : null));
      specs.push(linear(`${mlp}.shared_expert_gate`, dim, 1, shared ? `${block}.sharedExpertGate` : null));
    }
  }
  specs.push(vector('model.norm.weight', dim, 'body.finalNorm'));
  if (!config.tieEmbeddings) specs.push({ key: 'lm_head.weight', shape: [vocab, dim], parameter: 'head', transpose: true });
  return specs;
}
