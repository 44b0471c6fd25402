/**
 * loadHuggingFace: a Transformers checkpoint folder (Mixtral, Qwen2-MoE or OLMoE) → a smoe
 * DecoderLanguageModel with the same weights, so its logits are the checkpoint's.
 *
 * Reads `config.json` and either `model.safetensors` or the shards listed by
 * `model.safetensors.index.json`, one shard and one tensor at a time (memory: the model plus one
 * tensor). Every tensor's name and shape is checked against the config before it is used; a
 * missing or unexpected tensor, a missing shard, a truncated file or an unreadable dtype is an
 * error that names the file and the tensor. bf16 / f16 / f64 tensors are converted to float32,
 * and the returned `notices` say so. Nothing is downloaded: `dir` is a local folder (e.g. from
 * `huggingface-cli download <repo> --local-dir DIR`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecoderLanguageModel } from '@smoe/moe';
import { fromHuggingFaceConfig, tensorSpecs, type Architecture, type HuggingFaceConfig, type TensorSpec } from './architectures.js';
import { HubError } from './errors.js';
import { openSafetensors } from './safetensors_reader.js';

/** What `loadHuggingFace` returns. */
export interface LoadedCheckpoint {
  model: DecoderLanguageModel;
  architecture: Architecture;
  /** config.json as read. */
  huggingFaceConfig: HuggingFaceConfig;
  /** The safetensors files read, in order. */
  files: string[];
  /** What was converted or adapted on the way (dtype widening, a sliding window as the context). */
  notices: string[];
}

/** Options of `loadHuggingFace`. */
export interface LoadOptions {
  /** Called with each notice as it arises (also returned in `notices`). */
  onNotice?: (message: string) => void;
}

/** Tensors Transformers may save that are not weights (recomputed from the config). */
const derivedTensor = /\.rotary_emb\.inv_freq$/;

function readJson(path: string, what: string): unknown {
  if (!existsSync(path)) throw new HubError(`${what} not found: ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new HubError(`${path}: not valid JSON (${(error as Error).message})`);
  }
}

/** The safetensors files of `dir` and which holds each key (null: the single file holds all). */
function checkpointFiles(dir: string): { files: string[]; weightMap: Record<string, string> | null } {
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    const weightMap = (readJson(index, 'index') as { weight_map?: unknown }).weight_map;
    if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) throw new HubError(`${index}: has no 'weight_map' object of tensor name → shard file`);
    const files = [...new Set(Object.values(weightMap as Record<string, unknown>))];
    for (const file of files) {
      if (typeof file !== 'string' || file.includes('/') || file.includes('\\')) throw new HubError(`${index}: shard name ${JSON.stringify(file)} is not a file name in the folder`);
      if (!existsSync(join(dir, file))) {
        const held = Object.entries(weightMap as Record<string, string>).filter(([, f]) => f === file).map(([k]) => k);
        throw new HubError(`${index}: shard ${file} is missing from ${dir} (it holds ${held.length} tensors, e.g. ${held[0]}); download it again`);
      }
    }
    return { files: files as string[], weightMap: weightMap as Record<string, string> };
  }
  if (existsSync(join(dir, 'model.safetensors'))) return { files: ['model.safetensors'], weightMap: null };
  const torchFiles = ['pytorch_model.bin', 'pytorch_model.bin.index.json'].filter((f) => existsSync(join(dir, f)));
  throw new HubError(`${dir}: no model.safetensors or model.safetensors.index.json${torchFiles.length ? ` (found ${torchFiles.join(', ')}: smoe reads safetensors only; convert with transformers' save_pretrained(..., safe_serialization=True))` : ''}`);
}

/** Copies a checkpoint tensor [r, c] (or [n]) into its place in a smoe parameter's host array. */
function place(spec: TensorSpec, values: Float32Array, target: Float32Array): void {
  const offset = (spec.expert ?? 0) * values.length;
  if (!spec.transpose) {
    target.set(values, offset);
    return;
  }
  const [rows, cols] = spec.shape;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) target[offset + c * rows + r] = values[r * cols + c];
}

/** Loads a Transformers Mixtral / Qwen2-MoE / OLMoE folder into a DecoderLanguageModel. */
export async function loadHuggingFace(dir: string, options: LoadOptions = {}): Promise<LoadedCheckpoint> {
  const notices: string[] = [];
  const notice = (message: string): void => {
    notices.push(message);
    options.onNotice?.(message);
  };
  const configPath = join(dir, 'config.json');
  const huggingFaceConfig = readJson(configPath, 'config.json') as HuggingFaceConfig;
  if (typeof huggingFaceConfig !== 'object' || huggingFaceConfig === null || Array.isArray(huggingFaceConfig)) throw new HubError(`${configPath}: expected a JSON object`);
  const read = fromHuggingFaceConfig(huggingFaceConfig, configPath);
  read.notices.forEach(notice);
  let model: DecoderLanguageModel;
  try {
    model = new DecoderLanguageModel(read.config);
  } catch (error) {
    throw new HubError(`${configPath}: ${(error as Error).message}`);
  }
  const specs = new Map(tensorSpecs(model.config, read.architecture).map((s) => [s.key, s]));
  const parameters = new Map(model.namedParameters());
  const { files, weightMap } = checkpointFiles(dir);
  if (weightMap) {
    const unlisted = [...specs.keys()].filter((k) => !(k in weightMap));
    if (unlisted.length) throw new HubError(`${join(dir, 'model.safetensors.index.json')}: the weight_map lists no shard for ${unlisted.length} tensor(s) a ${read.architecture} model of this config has, e.g. ${unlisted.slice(0, 3).join(', ')}`);
  }
  const host = new Map<string, Float32Array>();
  const seen = new Set<string>();
  const converted = new Map<string, number>();
  for (const file of files) {
    const safetensors = openSafetensors(join(dir, file));
    try {
      for (const entry of safetensors.entries.values()) {
        if (derivedTensor.test(entry.name)) continue;
        const spec = specs.get(entry.name);
        if (!spec) throw new HubError(`${safetensors.path}: tensor '${entry.name}' is not part of a ${read.architecture} model with this config.json (an unsupported variant, or the wrong config)`);
        if (entry.shape.join(',') !== spec.shape.join(',')) {
          throw new HubError(`${safetensors.path}: tensor '${entry.name}' has shape [${entry.shape.join(', ')}], but config.json implies [${spec.shape.join(', ')}]; the config and the weights do not belong together`);
        }
        if (seen.has(entry.name)) throw new HubError(`${safetensors.path}: tensor '${entry.name}' appears in two shards`);
        seen.add(entry.name);
        if (entry.dtype !== 'F32') converted.set(entry.dtype, (converted.get(entry.dtype) ?? 0) + 1);
        const values = safetensors.read(entry);
        if (spec.parameter === null) continue;
        const parameter = parameters.get(spec.parameter);
        if (!parameter) throw new Error(`loadHuggingFace: no smoe parameter '${spec.parameter}' for '${spec.key}' (a mapping bug)`);
        let target = host.get(spec.parameter);
        if (!target) host.set(spec.parameter, (target = new Float32Array(parameter.size)));
        place(spec, values, target);
      }
    } finally {
      safetensors.close();
    }
  }
  const missing = [...specs.keys()].filter((k) => !seen.has(k));
  if (missing.length) throw new HubError(`${dir}: ${missing.length} tensor(s) of a ${read.architecture} model with this config.json are in no file, e.g. ${missing.slice(0, 3).join(', ')}`);
  for (const [dtype, count] of converted) notice(`${dir}: converted ${count} ${dtype} tensor(s) to float32 (smoe computes in float32: bf16 and f16 values convert exactly, f64 values are rounded)`);
  for (const [name, values] of host) (parameters.get(name) as (typeof model.tokenEmbedding)).assign(values);
  return { model, architecture: read.architecture, huggingFaceConfig, files: files.map((f) => join(dir, f)), notices };
}
