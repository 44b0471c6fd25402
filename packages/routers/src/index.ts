// @smoe/routers — the public surface: the routing plan, router strategies and their registry,
// selection rules and auxiliary losses as pure functions of score tensors, statistics.
import './builtins.js';

export * from './plan.js';
export { RouterConfigError } from './options.js';
export { registerRouter, createRouter, routerNames, hasRouter, routerInfo, type RouterConfig, type RouterFactory, type RouterShape, type RouterInfo, type Causality } from './registry.js';
export { registerSelection, createSelection, selectionNames, type SelectionRule, type SelectionFactory } from './selection/rule.js';
export {
  ScoredRouter,
  Scorer,
  LinearScorer,
  withSelection,
  attachLosses,
  type ScoreOutput,
  type RouterBaseOptions,
  type LinearGateOptions,
  type LossWeightOptions,
  type LossWeights,
} from './router.js';
export { buildPlan, denseWeights, pairRows, paddedRows, type PairSelection } from './build-plan.js';
export { capacityFor, applyCapacity, admissionOrder, type DropPolicy } from './capacity.js';
export { CausalThreshold, kthLargest, rowTopPairs, defaultThresholdMomentum, type KeptPairs } from './selection/causal-threshold.js';
export { routingStats, routingFluctuation, topExpert, type RoutingStats } from './stats.js';
export { validatePlan } from './validate.js';
export { switchBalanceLoss, zLoss, importanceLoss, noisyLoadLoss, stableBalanceLoss, entropyLoss, cvSquared, normalCdf } from './losses.js';

// Selection rules as pure functions of scores [tokens, experts].
export { tokenChoiceSelect, TokenChoiceSelection, weightings, type Weighting, type TokenChoiceSelectOptions, type TokenChoiceRuleOptions } from './selection/token-choice.js';
export { expertChoiceSelect, ExpertChoiceSelection, type ExpertChoiceOptions } from './selection/expert-choice.js';
export { usmoeSelect, UsmoeSelection, unifiedScore, usmoeBudget, type UsmoeOptions } from './selection/usmoe.js';
export { topPSelect, TopPSelection, type TopPOptions } from './selection/top-p.js';
export { hashSelect, hashTokenId } from './selection/hash.js';
export { balancedAssignment, balancedAssignmentSelect, BalancedAssignmentSelection, type BalancedAssignmentOptions } from './selection/balanced-assignment.js';
export { prototypeSelect, prototypeProbabilities, PrototypeSelection, type PrototypeOptions } from './selection/prototype.js';

// Strategies: the router class and a configuration helper for each.
export { TokenChoiceRouter, tokenChoice, type TokenChoiceRouterOptions, type TokenChoicePreset, type WithoutShape } from './strategies/token-choice.js';
export { SwitchRouter, switchRouting } from './strategies/switch.js';
export { GShardRouter, gshard } from './strategies/gshard.js';
export { BatchPrioritizedRouter, batchPrioritized } from './strategies/batch-prioritized.js';
export { NoisyTopKRouter, NoisyScorer, noisyTopK, type NoisyTopKOptions } from './strategies/noisy-top-k.js';
export { ExpertChoiceRouter, expertChoice, type ExpertChoiceRouterOptions } from './strategies/expert-choice.js';
export { UsmoeRouter, usmoe, type UsmoeRouterOptions } from './strategies/usmoe.js';
export { VqRouter, vq, type VqRouterOptions } from './strategies/vq.js';
export { XMoERouter, XMoEScorer, xmoe, orthogonalInit, type XMoEOptions } from './strategies/x-moe.js';
export { StableMoERouter, CentroidScorer, DistilledRouter, stableMoE, type StableMoEOptions } from './strategies/stable-moe.js';
export { SmoeDropoutRouter, RandomScorer, smoeDropout, smoeDropoutTopK, type SmoeDropoutOptions } from './strategies/smoe-dropout.js';
export { HyperRouter, HyperScorer, hyperRouter, type HyperRouterOptions } from './strategies/hyper-router.js';
export { CompeteSMoERouter, competeSMoE, imitationLoss, type CompeteSMoEOptions } from './strategies/compete-smoe.js';
export { TopPRouter, topP, type TopPRouterOptions } from './strategies/top-p.js';
export { AuxiliaryLossFreeRouter, auxiliaryLossFree, type AuxiliaryLossFreeOptions } from './strategies/auxiliary-loss-free.js';
export { HashRouter, hashRouting, type HashRouterOptions } from './strategies/hash.js';
export { BaseLayerRouter, baseLayer, type BaseLayerOptions } from './strategies/base-layer.js';
export { DSelectKRouter, dselectK, smoothStep, selectorDistributions, type DSelectKOptions } from './strategies/dselect-k.js';
export { ReMoERouter, ReluSelection, reluSelect, remoe, type ReMoEOptions } from './strategies/remoe.js';
export { ExpertPrototypingRouter, expertPrototyping, type ExpertPrototypingOptions } from './strategies/expert-prototyping.js';
