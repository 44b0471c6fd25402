/**
 * Documentation of the mixture layers and presets of this package that are not router
 * strategies (those carry theirs in @smoe/routers' registry, `routerInfo`): the same fields,
 * so one table (the README's, `pnpm demo routers --markdown`) lists them all.
 */
import type { RouterInfo } from '@smoe/routers';

/** A layer kind or preset with its documentation and how a model config asks for it. */
export interface MixtureLayerInfo extends RouterInfo {
  /** The `moe` config that selects it. */
  config: string;
}

/** The layer kinds and presets beside the router strategies. */
export const mixtureLayers: Readonly<Record<string, MixtureLayerInfo>> = {
  vqmoe: {
    paper: 'On the Effectiveness of Discrete Representations in Sparse Mixture of Experts (VQMoE)',
    family: 'discrete (codebook) + continuous paths',
    causal: 'yes',
    defaults: "regime 'mixed', cosine top-1 continuous router, damped straight-through (c 0.05), codebook N, β_vq 0.08",
    config: 'moe.vq',
  },
  softMoE: {
    paper: 'From Sparse to Soft Mixtures of Experts (Puigcerver et al., 2023)',
    family: 'soft (slots mixing all tokens)',
    causal: 'no',
    defaults: 'slotsPerExpert 1, normalize true; ViT and encoders only',
    config: 'moe.soft',
  },
  deepSeekMoE: {
    paper: 'DeepSeekMoE (Dai et al., 2024); DeepSeek-V3 Technical Report (2024)',
    family: 'fine-grained + shared experts (sigmoid, bias-balanced)',
    causal: 'yes',
    defaults: 'granularity 4, sharedExperts 1, routed k = 4k − 1, auxiliaryLossFree',
    config: 'deepSeekMoE({ experts, expertDim, topK })',
  },
  moePlusPlus: {
    paper: 'MoE++: Accelerating Mixture-of-Experts Methods with Zero-Computation Experts (Jin et al., 2024)',
    family: 'token choice + zero-computation experts',
    causal: 'yes',
    defaults: 'null 1, copy 1, constant 2, topK 2 (softmax over all), gating residual, balance 0.01 (τ 0.75)',
    config: 'moe.zeroComputation',
  },
};
