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

registerRouter('tokenChoice', build(TokenChoiceRouter));
registerRouter('switch', build(SwitchRouter));
registerRouter('gshard', build(GShardRouter));
registerRouter('batchPrioritized', build(BatchPrioritizedRouter));
registerRouter('noisyTopK', build(NoisyTopKRouter));
registerRouter('expertChoice', build(ExpertChoiceRouter));
registerRouter('usmoe', build(UsmoeRouter));
registerRouter('vq', build(VqRouter));
registerRouter('xmoe', build(XMoERouter));
registerRouter('stableMoE', build(StableMoERouter));
registerRouter('smoeDropout', build(SmoeDropoutRouter));
registerRouter('hyperRouter', build(HyperRouter));
registerRouter('competeSMoE', build(CompeteSMoERouter));
registerRouter('topP', build(TopPRouter));
registerRouter('auxiliaryLossFree', build(AuxiliaryLossFreeRouter));
registerRouter('hash', build(HashRouter));
