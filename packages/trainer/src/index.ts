// @smoe/trainer — the public surface: optimizers, schedules, clipping, checkpoints (safetensors),
// metrics, progress and the training loop. Browser-safe: nothing here imports a Node built-in;
// files on disk (run folders, checkpoint files, atomic writes) are in `@smoe/trainer/node`.
export type { TrainableModel, DataSource, LossOutput, MetricValue, BatchOf } from './types.js';
export { TrainerError } from './validate.js';

export { Optimizer, type OptimizerState, type OptimizerConfigValues, type UpdateContext } from './optimizer.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { SGD, type SGDOptions } from './sgd.js';
export { createOptimizer, type OptimizerConfig } from './create-optimizer.js';
export { excludeNormsBiasesAndCodebooks, decayEverything, type WeightDecayFilter } from './weight-decay.js';

export { constant, warmupCosine, warmupLinear, createSchedule, type Schedule, type ScheduleConfig, type WarmupDecayOptions } from './schedule.js';
export { clipGradNorm, gradNorm } from './clip.js';
export { EarlyStopping, type EarlyStoppingOptions, type EarlyStoppingState } from './early-stopping.js';

export { encodeSafetensors, decodeSafetensors, CHECKSUM_KEY, type SafetensorsTensor, type SafetensorsContents, type SafetensorsDType, type DecodeOptions } from './safetensors.js';
export { crc32, crc32Hex } from './crc32.js';
export { canonicalJson, firstDifference, jsonDifferences, type JsonDifference } from './json.js';
export { encodeCheckpoint, decodeCheckpoint, applyCheckpoint, captureCheckpoint, NonFiniteTensorError, CHECKPOINT_FORMAT, type CheckpointState, type DecodedCheckpoint, type ApplyTargets, type CheckpointModel, type SaveCheckpointOptions } from './checkpoint.js';
export { captureRngs, restoreRng, restoreRngs } from './rng-state.js';

export { metricsLine, parseMetrics, truncateMetrics, type MetricsRecord } from './metrics.js';
export { ProgressBar, formatNumber, formatDuration, type ProgressBarOptions, type ProgressStream } from './progress-bar.js';
export { memoryStorage, type RunStorage, type MemoryStorage } from './run-storage.js';
export { RUN_FILES, checkpointName, listCheckpoints, pruneCheckpoints, prepareRunFolder, type PrepareOptions } from './run-folder.js';

export { train, TrainingStoppedError, NonFiniteError, DivergenceError, type TrainSummary, type StopReason } from './train.js';
export { DivergenceCheck, type DivergenceOptions, type DivergenceState } from './divergence.js';
export { resolveTrainOptions, type TrainOptions, type StepRecord, type ResolvedTrainOptions, type ProgressOptions } from './train-options.js';
export { StepMetrics } from './step-metrics.js';
export { CompiledTrainStep, changingLimit, changingWindow, firstBackoff, settlingSteps } from './compiled-step.js';
export { eagerStep, type TrainStep, type StepInput, type StepOutcome, type UpdatedStep } from './train-step.js';
