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
    causal: true,
    defaults: { regime: 'mixed', continuousRouter: 'cosine top-1', straightThrough: 'damped (c 0.05)', vqLossWeight: 0.08 },
    config: 'moe.vq',
  },
  softMoE: {
    paper: 'From Sparse to Soft Mixtures of Experts (Puigcerver et al., 2023)',
    family: 'soft (slots mixing all tokens)',
    causal: false,
    defaults: { slotsPerExpert: 1, normalize: true, models: 'ViT and encoders' },
    config: 'moe.soft',
  },
  deepSeekMoE: {
    paper: 'DeepSeekMoE (Dai et al., 2024); DeepSeek-V3 Technical Report (2024)',
    family: 'fine-grained + shared experts (sigmoid, bias-balanced)',
    causal: true,
    defaults: { granularity: 4, sharedExperts: 1, routedTopK: '4k − 1', router: 'auxiliaryLossFree' },
    config: 'deepSeekMoE({ experts, expertDim, topK })',
  },
  moePlusPlus: {
    paper: 'MoE++: Accelerating Mixture-of-Experts Methods with Zero-Computation Experts (Jin et al., 2024)',
    family: 'token choice + zero-computation experts',
    causal: true,
    defaults: { nullExperts: 1, copyExperts: 1, constantExperts: 2, topK: 2, gatingResidual: true, balanceLossWeight: 0.01, tau: 0.75 },
    config: 'moe.zeroComputation',
  },
};
