/**
 * The built-in strategies and selection rules, one line each. A new strategy is its file in
 * strategies/ plus one line here (or a `registerRouter` call in user code).
 */
import { registerRouter, type RouterFactory } from './registry.js';
import { registerSelection } from './selection/rule.js';
import { ExpertChoiceSelection } from './selection/expert-choice.js';
import { TokenChoiceSelection } from './selection/token-choice.js';
import { TopPSelection } from './selection/top-p.js';
import { UsmoeSelection } from './selection/usmoe.js';
import { AuxiliaryLossFreeRouter } from './strategies/auxiliary-loss-free.js';
import { BatchPrioritizedRouter } from './strategies/batch-prioritized.js';
import { CompeteSMoERouter } from './strategies/compete-smoe.js';
import { ExpertChoiceRouter } from './strategies/expert-choice.js';
import { GShardRouter } from './strategies/gshard.js';
import { HashRouter } from './strategies/hash.js';
import { HyperRouter } from './strategies/hyper-router.js';
import { NoisyTopKRouter } from './strategies/noisy-top-k.js';
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

registerRouter('tokenChoice', build(TokenChoiceRouter), { info: { family: 'token choice', paper: 'Outrageously Large Neural Networks: The Sparsely-Gated Mixture-of-Experts Layer (Shazeer et al., 2017)', causal: true } });
registerRouter('switch', build(SwitchRouter), { info: { family: 'token choice', paper: 'Switch Transformers (Fedus, Zoph and Shazeer, 2021)', causal: true } });
registerRouter('gshard', build(GShardRouter), { info: { family: 'token choice', paper: 'GShard (Lepikhin et al., 2020)', causal: true } });
registerRouter('batchPrioritized', build(BatchPrioritizedRouter), { info: { family: 'token choice', paper: 'Scaling Vision with Sparse Mixture of Experts (Riquelme et al., 2021)', causal: true } });
registerRouter('noisyTopK', build(NoisyTopKRouter), { info: { family: 'token choice', paper: 'Outrageously Large Neural Networks (Shazeer et al., 2017)', causal: true } });
registerRouter('expertChoice', build(ExpertChoiceRouter), { info: { family: 'expert choice', paper: 'Mixture-of-Experts with Expert Choice Routing (Zhou et al., 2022)', causal: true } });
registerRouter('usmoe', build(UsmoeRouter), { info: { family: 'unified', paper: 'Unified Sparse Mixture of Experts (the USMoE paper)', causal: true } });
registerRouter('vq', build(VqRouter), { info: { family: 'vector quantized', paper: 'On the Effectiveness of Discrete Representations in Sparse Mixture of Experts (the VQMoE paper)', causal: true } });
registerRouter('xmoe', build(XMoERouter), { info: { family: 'token choice', paper: 'On the Representation Collapse of Sparse Mixture of Experts (Chi et al., 2022)', causal: true } });
registerRouter('stableMoE', build(StableMoERouter), { info: { family: 'token choice', paper: 'StableMoE: Stable Routing Strategy for Mixture of Experts (Dai et al., 2022)', causal: true } });
registerRouter('smoeDropout', build(SmoeDropoutRouter), { info: { family: 'token choice', paper: 'Sparse MoE as the New Dropout (Chen et al., 2023)', causal: true } });
registerRouter('hyperRouter', build(HyperRouter), { info: { family: 'token choice', paper: 'HyperRouter: Towards Efficient Training and Inference of Sparse Mixture of Experts (Do et al., 2023)', causal: true } });
registerRouter('competeSMoE', build(CompeteSMoERouter), { info: { family: 'token choice', paper: 'CompeteSMoE: Effective Training of Sparse Mixture of Experts via Competition (Pham et al., 2024)', causal: true } });
registerRouter('topP', build(TopPRouter), { info: { family: 'dynamic', paper: 'Harder Tasks Need More Experts: Dynamic Routing in MoE Models (Huang et al., 2024)', causal: true } });
registerRouter('auxiliaryLossFree', build(AuxiliaryLossFreeRouter), { info: { family: 'token choice', paper: 'Auxiliary-Loss-Free Load Balancing Strategy for Mixture-of-Experts (Wang et al., 2024); DeepSeek-V3 (2024)', causal: true } });
registerRouter('hash', build(HashRouter), { info: { family: 'fixed', paper: 'Hash Layers For Large Sparse Models (Roller et al., 2021)', causal: true } });
