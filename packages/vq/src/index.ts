// @smoe/vq — the public surface: codebooks, straight-through estimators, losses, usage
// statistics, k-means, and the residual, product and FSQ quantizers.
export { Codebook, type CodebookState } from './codebook.js';
export { resolveCodebookConfig, codebookOptionNames, type CodebookConfig, type ResolvedCodebookConfig, type EmaOptions, type KMeansInitOptions } from './codebook_config.js';
export type { QuantizeOptions, QuantizeResult, Quantizer } from './quantizer.js';
export { ResidualVQ, type ResidualVQConfig, type MultiPartQuantizeResult } from './residual.js';
export { ProductVQ, type ProductVQConfig } from './product.js';
export { FSQ, roundStraightThrough, type FSQConfig } from './fsq.js';
export { straightThrough, straightThroughModes, type StraightThrough, type StraightThroughOptions } from './straight_through.js';
export { vqLosses } from './losses.js';
export { l2Normalize, pairwiseDistances, nearestCode, distances, type Distance } from './distance.js';
export { kmeans, kmeansSeedings, type KMeansOptions, type KMeansResult, type KMeansSeeding } from './kmeans.js';
export { UsageTracker, codeCounts, perplexity, deadFraction, type CodebookUsage } from './usage.js';
export { combineCodes, splitCodes } from './codes.js';
export { gaussianBlobs, purity, type Blobs, type BlobsOptions } from './blobs.js';
export { VQConfigError } from './config.js';
