/**
 * The built-in strategies and selection rules, one line each. A new strategy is its file in
 * strategies/ plus one line here (or a `registerRouter` call in user code).
 */
import { registerRouter, type RouterFactory } from './registry.js';
import { registerSelection } from './selection/rule.js';
import { BalancedAssignmentSelection } from './selection/balanced-assignment.js';
import { ExpertChoiceSelection } from './selection/expert-choice.js';
import { PrototypeSelection } from './selection/prototype.js';
import { TokenChoiceSelection } from './selection/token-choice.js';
import { TopPSelection } from './selection/top-p.js';
import { UsmoeSelection } from './selection/usmoe.js';
import { AuxiliaryLossFreeRouter } from './strategies/auxiliary-loss-free.js';
import { BatchPrioritizedRouter } from './strategies/batch-prioritized.js';
import { BaseLayerRouter } from './strategies/base-layer.js';
import { CompeteSMoERouter } from './strategies/compete-smoe.js';
import { DSelectKRouter } from './strategies/dselect-k.js';
import { ExpertPrototypingRouter } from './strategies/expert-prototyping.js';
import { ExpertChoiceRouter } from './strategies/expert-choice.js';
import { GShardRouter } from './strategies/gshard.js';
import { HashRouter } from './strategies/hash.js';
import { HyperRouter } from './strategies/hyper-router.js';
import { NoisyTopKRouter } from './strategies/noisy-top-k.js';
import { ReMoERouter } from './strategies/remoe.js';
import { SmoeDropoutRouter } from './strategies/smoe-dropout.js';
import { StableMoERouter } from './strategies/stable-moe.js';
import { SwitchRouter } from './strategies/switch.js';
import { TokenChoiceRouter } from './strategies/token-choice.js';
import { TopPRouter } from './strategies/top-p.js';
import { UsmoeRouter } from './strategies/usmoe.js';
import { VqRouter } from './strategies/vq.js';
import { XMoERouter } from './strategies/x-moe.js';

// Options arrive as a plain record; each constructor validates its own.
const build =
  <O>(Class: new (options: O) => import('./plan.js').Router): RouterFactory =>
  (options) =>
    new Class(options as unknown as O);

registerSelection('tokenChoice', (options, experts) => new TokenChoiceSelection(options, experts));
registerSelection('expertChoice', (options, experts) => new ExpertChoiceSelection(options, experts));
registerSelection('usmoe', (options, experts) => new UsmoeSelection(options, experts));
registerSelection('topP', (options, experts) => new TopPSelection(options, experts));
registerSelection('balancedAssignment', (options, experts) => new BalancedAssignmentSelection(options, experts));
registerSelection('expertPrototyping', (options, experts) => new PrototypeSelection(options, experts));

registerRouter('tokenChoice', build(TokenChoiceRouter), { info: { family: 'token choice', paper: 'Outrageously Large Neural Networks: The Sparsely-Gated Mixture-of-Experts Layer (Shazeer et al., 2017)', causal: true, defaults: { topK: 2, weighting: 'softmaxTopK', capacityFactor: null, balanceLossWeight: 0.01, zLossWeight: 1e-3 } } });
registerRouter('switch', build(SwitchRouter), { info: { family: 'token choice', paper: 'Switch Transformers (Fedus, Zoph and Shazeer, 2021)', causal: true, defaults: { topK: 1, weighting: 'softmax', capacityFactor: 1.25, evalCapacityFactor: 2, balanceLossWeight: 0.01, zLossWeight: 1e-3 } } });
registerRouter('gshard', build(GShardRouter), { info: { family: 'token choice', paper: 'GShard (Lepikhin et al., 2020)', causal: true, defaults: { topK: 2, weighting: 'softmax', renormalize: true, capacityFactor: 1.25, evalCapacityFactor: 2 } } });
registerRouter('batchPrioritized', build(BatchPrioritizedRouter), { info: { family: 'token choice', paper: 'Scaling Vision with Sparse Mixture of Experts (Riquelme et al., 2021)', causal: true, defaults: { topK: 2, weighting: 'softmax', capacityFactor: 1.25, evalCapacityFactor: 2, dropPolicy: 'priority' } } });
registerRouter('noisyTopK', build(NoisyTopKRouter), { info: { family: 'token choice', paper: 'Outrageously Large Neural Networks (Shazeer et al., 2017)', causal: true, defaults: { topK: 2, importanceLossWeight: 0.01, loadLossWeight: 0.01 } } });
registerRouter('expertChoice', build(ExpertChoiceRouter), { info: { family: 'expert choice', paper: 'Mixture-of-Experts with Expert Choice Routing (Zhou et al., 2022)', causal: true, defaults: { topK: 2, thresholdMomentum: 0.99 } } });
registerRouter('usmoe', build(UsmoeRouter), { info: { family: 'unified', paper: 'Unified Sparse Mixture of Experts (the USMoE paper)', causal: true, defaults: { topK: 2, alpha: 0.5, sigmoidScale: '2/N', renormalize: false, thresholdMomentum: 0.99 } } });
registerRouter('vq', build(VqRouter), { info: { family: 'vector quantized', paper: 'On the Effectiveness of Discrete Representations in Sparse Mixture of Experts (the VQMoE paper)', causal: true, defaults: { codebookSize: 'N', distance: 'l2', commitmentWeight: 0.25, vqLossWeight: 0.08 } } });
registerRouter('xmoe', build(XMoERouter), { info: { family: 'token choice', paper: 'On the Representation Collapse of Sparse Mixture of Experts (Chi et al., 2022)', causal: true, defaults: { routingDim: 8, temperature: 1, topK: 2, balanceLossWeight: 0.01 } } });
registerRouter('stableMoE', build(StableMoERouter), { info: { family: 'token choice', paper: 'StableMoE: Stable Routing Strategy for Mixture of Experts (Dai et al., 2022)', causal: true, defaults: { cosine: true, distilDim: 50, stage1Fraction: 0.1, balanceLossWeight: 0.01, distillationLossWeight: 1 } } });
registerRouter('smoeDropout', build(SmoeDropoutRouter), { info: { family: 'token choice', paper: 'Sparse MoE as the New Dropout (Chen et al., 2023)', causal: true, defaults: { minTopK: 1, maxTopK: 'N', evalTopK: 'maxTopK' } } });
registerRouter('hyperRouter', build(HyperRouter), { info: { family: 'token choice', paper: 'HyperRouter: Towards Efficient Training and Inference of Sparse Mixture of Experts (Do et al., 2023)', causal: true, defaults: { embeddingDim: 'd', hiddenDim: 256, topK: 2, balanceLossWeight: 0.01 } } });
registerRouter('competeSMoE', build(CompeteSMoERouter), { info: { family: 'token choice', paper: 'CompeteSMoE: Effective Training of Sparse Mixture of Experts via Competition (Pham et al., 2024)', causal: true, defaults: { topK: 2, competitionProbability: 0.1, imitationLossWeight: 5, balanceLossWeight: 0.01 } } });
registerRouter('topP', build(TopPRouter), { info: { family: 'dynamic', paper: 'Harder Tasks Need More Experts: Dynamic Routing in MoE Models (Huang et al., 2024)', causal: true, defaults: { threshold: 0.4, maxK: 'N', entropyLossWeight: 1e-4, balanceLossWeight: 0.01 } } });
registerRouter('auxiliaryLossFree', build(AuxiliaryLossFreeRouter), { info: { family: 'token choice', paper: 'Auxiliary-Loss-Free Load Balancing Strategy for Mixture-of-Experts (Wang et al., 2024); DeepSeek-V3 (2024)', causal: true, defaults: { topK: 2, renormalize: true, biasUpdateRate: 1e-3 } } });
registerRouter('hash', build(HashRouter), { info: { family: 'fixed', paper: 'Hash Layers For Large Sparse Models (Roller et al., 2021)', causal: true, defaults: { seed: 0 } } });
registerRouter('baseLayer', build(BaseLayerRouter), { info: { family: 'balanced assignment', paper: 'BASE Layers: Simplifying Training of Large, Sparse Models (Lewis et al., 2021)', causal: false, defaults: { training: 'exact T/N per expert', evaluation: 'greedy top-1 (causal)', weight: 'σ(s)' } } });
registerRouter('dselectK', build(DSelectKRouter), { info: { family: 'dense-to-sparse', paper: 'DSelect-k: Differentiable Selection in the Mixture of Experts (Hazimeh et al., 2021)', causal: true, defaults: { topK: 2, gamma: 1, entropyLossWeight: 0.01, experts: 'a power of two' } } });
registerRouter('remoe', build(ReMoERouter), { info: { family: 'dynamic', paper: 'ReMoE: Fully Differentiable Mixture-of-Experts with ReLU Routing (Wang et al., 2024)', causal: true, defaults: { topK: 2, initialL1Weight: 1e-8, l1Growth: 1.2, balancedL1: true } } });
registerRouter('expertPrototyping', build(ExpertPrototypingRouter), { info: { family: 'token choice', paper: 'M6-T: Exploring Sparse Expert Models and Beyond (Yang et al., 2021)', causal: true, defaults: { groups: 2, balanceLossWeight: 0.01 } } });
