/**
 * The built-in strategies and selection rules, one line each. A new strategy is its file in
 * strategies/ plus one line here (or a `registerRouter` call in user code).
 */
import { registerRouter, type RouterFactory, type RouterInfo } from './registry.js';
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

const info = (paper: string, family: string, causal: RouterInfo['causal'], defaults: string): { info: RouterInfo } => ({ info: { paper, family, causal, defaults } });

registerSelection('balancedAssignment', (options, experts) => new BalancedAssignmentSelection(options, experts));
registerSelection('expertPrototyping', (options, experts) => new PrototypeSelection(options, experts));

// Causality (RouterInfo): in causal models capacity admits tokens position-major and expert
// choice / USMoE select by thresholds calibrated on past batches (docs/routing.md §2), so those
// presets are causal too.
registerRouter('tokenChoice', build(TokenChoiceRouter), info('Outrageously Large Neural Networks: The Sparsely-Gated Mixture-of-Experts Layer (Shazeer et al., 2017)', 'token choice', 'yes', 'topK 2, softmax over the selected, dropless, balance 0.01, z 1e-3'));
registerRouter('switch', build(SwitchRouter), info('Switch Transformers (Fedus et al., 2021)', 'token choice', 'yes', 'topK 1, softmax, capacityFactor 1.25 (eval 2.0), arrival drops, balance 0.01, z 1e-3'));
registerRouter('gshard', build(GShardRouter), info('GShard (Lepikhin et al., 2020)', 'token choice', 'yes', 'topK 2, softmax renormalised, capacityFactor 1.25 (eval 2.0), first choices first'));
registerRouter('batchPrioritized', build(BatchPrioritizedRouter), info('Scaling Vision with Sparse Mixture of Experts (V-MoE; Riquelme et al., 2021)', 'token choice', 'yes', 'topK 2, capacityFactor 1.25 (eval 2.0), priority by max gate'));
registerRouter('noisyTopK', build(NoisyTopKRouter), info('Outrageously Large Neural Networks (Shazeer et al., 2017)', 'token choice', 'yes', 'topK 2, noise in training, importance 0.01, load 0.01'));
registerRouter('expertChoice', build(ExpertChoiceRouter), info('Mixture-of-Experts with Expert Choice Routing (Zhou et al., 2022)', 'expert choice', 'yes', 'k 2 (C = T·k/N per expert per sequence; in causal models per-expert thresholds, momentum 0.99)'));
registerRouter('usmoe', build(UsmoeRouter), info('Unified Sparse Mixture of Experts (USMoE)', 'global top-c', 'yes', 'k̄ 2, alpha 0.5, sigmoid scale 2/N, not renormalised (in causal models a threshold, momentum 0.99)'));
registerRouter('vq', build(VqRouter), info('On the Effectiveness of Discrete Representations in Sparse Mixture of Experts (VQMoE)', 'vector quantization', 'yes', 'codebook N, l2, commitment 0.25, β_vq 0.08'));
registerRouter('xmoe', build(XMoERouter), info('On the Representation Collapse of Sparse Mixture of Experts (X-MoE; Chi et al., 2022)', 'token choice (low-dimensional cosine)', 'yes', 'routingDim 8, temperature 1, topK 2, balance 0.01'));
registerRouter('stableMoE', build(StableMoERouter), info('StableMoE: Stable Routing Strategy for Mixture of Experts (Dai et al., 2022)', 'token choice (cosine, then frozen)', 'yes', 'cosine, distilDim 50, stage1Fraction 0.1, balance 0.01, distillation 1'));
registerRouter('smoeDropout', build(SmoeDropoutRouter), info('Sparse MoE as the New Dropout (Chen et al., 2023)', 'token choice (frozen random)', 'yes', 'k grows 1 → N over training, evalTopK N'));
registerRouter('hyperRouter', build(HyperRouter), info('HyperRouter: Towards Efficient Training and Inference of Sparse MoE (Do et al., 2023)', 'token choice (generated gate)', 'yes', 'embeddingDim d, hiddenDim 256, topK 2, balance 0.01'));
registerRouter('competeSMoE', build(CompeteSMoERouter), info('CompeteSMoE: Effective Training of Sparse Mixture of Experts via Competition (Pham et al., 2024)', 'token choice (competition)', 'yes', 'topK 2, competition probability 0.1, imitation 5, balance 0.01'));
registerRouter('topP', build(TopPRouter), info('Harder Tasks Need More Experts: Dynamic Routing in MoE Models (Huang et al., 2024)', 'dynamic (top-p)', 'yes', 'threshold 0.4, maxK N, entropy 1e-4, balance 0.01'));
registerRouter('auxiliaryLossFree', build(AuxiliaryLossFreeRouter), info('Auxiliary-Loss-Free Load Balancing (Wang et al., 2024); DeepSeek-V3 (2024)', 'token choice (sigmoid, bias-balanced)', 'yes', 'topK 2, sigmoid renormalised, bias rate 1e-3, no aux loss'));
registerRouter('hash', build(HashRouter), info('Hash Layers For Large Sparse Models (Roller et al., 2021)', 'fixed (hash of the token id)', 'yes', 'seed 0'));
registerRouter('baseLayer', build(BaseLayerRouter), info('BASE Layers: Simplifying Training of Large, Sparse Models (Lewis et al., 2021)', 'balanced assignment', 'evaluation', 'exact T/N per expert in training, greedy top-1 at evaluation, weight σ(s)'));
registerRouter('dselectK', build(DSelectKRouter), info('DSelect-k: Differentiable Selection in the Mixture of Experts (Hazimeh et al., 2021)', 'dense-to-sparse (smooth-step binary codes)', 'yes', 'k 2 selectors, gamma 1, entropy 0.01, N a power of two'));
registerRouter('remoe', build(ReMoERouter), info('ReMoE: Fully Differentiable Mixture-of-Experts with ReLU Routing (Wang et al., 2024)', 'dynamic (ReLU + adaptive L1)', 'yes', 'target k 2, λ₀ 1e-8, α 1.2, load-balanced L1'));
registerRouter('expertPrototyping', build(ExpertPrototypingRouter), info('M6-T: Exploring Sparse Expert Models and Beyond (Yang et al., 2021)', 'token choice (top-1 per group)', 'yes', 'groups 2, balance 0.01 per group'));
