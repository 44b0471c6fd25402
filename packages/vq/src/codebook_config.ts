/**
 * The configuration of a `Codebook` (also shared by the levels of `ResidualVQ` and the heads of
 * `ProductVQ`): every option named, defaulted and validated here, so an invalid one fails when
 * the quantizer is built with a `VQConfigError` naming the field, the value and what is allowed.
 */
import { VQConfigError, checkBoolean, checkKeys, orDefault, checkInteger, checkNumber, checkOneOf } from './config.js';
import { distances, type Distance } from './distance.js';
import { kmeansSeedings, type KMeansSeeding } from './kmeans.js';
import { straightThroughModes, type StraightThrough } from './straight_through.js';

/** EMA codebook updates. */
export interface EmaOptions {
  /** Decay γ of the moving averages, in (0, 1). Default 0.99. */
  decay?: number;
  /** Laplace smoothing constant ε (> 0). Default 1e-5. */
  epsilon?: number;
  /** Smooth cluster sizes (Ñ = (N + ε)/(ΣN + Kε)·ΣN); otherwise Ñ = max(N, ε). Default true. */
  laplaceSmoothing?: boolean;
}

/** k-means initialisation on the first training batch. */
export interface KMeansInitOptions {
  /** Lloyd iterations. Default 10. */
  iterations?: number;
  /** Seeding. Default 'kmeans++'. */
  seeding?: KMeansSeeding;
}

/** Configuration of a codebook. */
export interface CodebookConfig {
  /** Number of codes K (≥ 1). */
  size: number;
  /** Dimension D of codes and inputs (≥ 1). */
  dim: number;
  /** Distance. Default 'l2'. */
  distance?: Distance;
  /** β: weight of the commitment loss in `loss`. Default 0.25. */
  commitmentWeight?: number;
  /** Straight-through estimator. Default 'standard'. */
  straightThrough?: StraightThrough;
  /** Contribution rate c of the damped estimator, in (0, 1). Default 0.05. */
  dampRate?: number;
  /** EMA updates of the codes instead of the codebook loss: false, true (defaults) or options. Default false. */
  ema?: boolean | EmaOptions;
  /** k-means initialisation on the first training batch: false, true (defaults) or options. Default false. */
  kmeansInit?: boolean | KMeansInitOptions;
  /** Restart codes whose running usage (inputs per batch) is below this; 0 turns restarts off. Default 0. */
  deadCodeThreshold?: number;
  /** Decay of the running usage counts, in (0, 1). Default 0.99. */
  usageDecay?: number;
  /** Running usage below which a code counts as dead in the statistics. Default: deadCodeThreshold if > 0, else 0.01. */
  deadUsageThreshold?: number;
  /** Standard deviation of the initial codes (N(0, initStd²)). Default 1. */
  initStd?: number;
  /** Seed of the initial codes, k-means seeding and restarts. Default 0. */
  seed?: number;
}

/** A validated configuration with every default filled in. */
export interface ResolvedCodebookConfig {
  size: number;
  dim: number;
  distance: Distance;
  commitmentWeight: number;
  straightThrough: StraightThrough;
  dampRate: number;
  ema: Required<EmaOptions> | null;
  kmeansInit: Required<KMeansInitOptions> | null;
  deadCodeThreshold: number;
  usageDecay: number;
  deadUsageThreshold: number;
  initStd: number;
  seed: number;
}

/** Option names of a codebook. */
export const codebookOptionNames = ['size', 'dim', 'distance', 'commitmentWeight', 'straightThrough', 'dampRate', 'ema', 'kmeansInit', 'deadCodeThreshold', 'usageDecay', 'deadUsageThreshold', 'initStd', 'seed'] as const;

/** Validates a codebook configuration and fills in the defaults; `where` names the owner in errors. */
export function resolveCodebookConfig(config: CodebookConfig, where = 'Codebook', allowed: readonly string[] = codebookOptionNames): ResolvedCodebookConfig {
  checkKeys(where, config, allowed);
  const size = checkInteger(where, 'size', config.size, 1, 2 ** 24);
  const dim = checkInteger(where, 'dim', config.dim, 1);
  const deadCodeThreshold = checkNumber(where, 'deadCodeThreshold', orDefault(config.deadCodeThreshold, 0), 0, Infinity, {}, 'running inputs per batch; 0 turns restarts off');
  return {
    size,
    dim,
    distance: checkOneOf(where, 'distance', orDefault<string>(config.distance, 'l2'), distances),
    commitmentWeight: checkNumber(where, 'commitmentWeight', orDefault(config.commitmentWeight, 0.25), 0, Infinity),
    straightThrough: checkOneOf(where, 'straightThrough', orDefault<string>(config.straightThrough, 'standard'), straightThroughModes),
    dampRate: checkNumber(where, 'dampRate', orDefault(config.dampRate, 0.05), 0, 1, { min: true, max: true }),
    ema: resolveEma(where, orDefault<boolean | EmaOptions>(config.ema, false)),
    kmeansInit: resolveKMeans(where, orDefault<boolean | KMeansInitOptions>(config.kmeansInit, false)),
    deadCodeThreshold,
    usageDecay: checkNumber(where, 'usageDecay', orDefault(config.usageDecay, 0.99), 0, 1, { min: true, max: true }),
    deadUsageThreshold: checkNumber(where, 'deadUsageThreshold', orDefault(config.deadUsageThreshold, deadCodeThreshold > 0 ? deadCodeThreshold : 0.01), 0, Infinity, { min: true }),
    initStd: checkNumber(where, 'initStd', orDefault(config.initStd, 1), 0, Infinity, { min: true }),
    seed: checkNumber(where, 'seed', orDefault(config.seed, 0), -Infinity, Infinity),
  };
}

function resolveEma(where: string, ema: unknown): Required<EmaOptions> | null {
  if (ema === false) return null;
  if (ema !== true && (typeof ema !== 'object' || ema === null)) throw new VQConfigError(where, 'ema', ema, 'false, true or { decay, epsilon, laplaceSmoothing }');
  const options: EmaOptions = ema === true ? {} : (ema as EmaOptions);
  checkKeys(`${where} ema`, options, ['decay', 'epsilon', 'laplaceSmoothing']);
  return {
    decay: checkNumber(where, 'ema.decay', orDefault(options.decay, 0.99), 0, 1, { min: true, max: true }),
    epsilon: checkNumber(where, 'ema.epsilon', orDefault(options.epsilon, 1e-5), 0, Infinity, { min: true }),
    laplaceSmoothing: checkBoolean(where, 'ema.laplaceSmoothing', orDefault(options.laplaceSmoothing, true)),
  };
}

function resolveKMeans(where: string, init: unknown): Required<KMeansInitOptions> | null {
  if (init === false) return null;
  if (init !== true && (typeof init !== 'object' || init === null)) throw new VQConfigError(where, 'kmeansInit', init, 'false, true or { iterations, seeding }');
  const options: KMeansInitOptions = init === true ? {} : (init as KMeansInitOptions);
  checkKeys(`${where} kmeansInit`, options, ['iterations', 'seeding']);
  return {
    iterations: checkInteger(where, 'kmeansInit.iterations', orDefault(options.iterations, 10), 0),
    seeding: checkOneOf(where, 'kmeansInit.seeding', orDefault<string>(options.seeding, 'kmeans++'), kmeansSeedings),
  };
}
