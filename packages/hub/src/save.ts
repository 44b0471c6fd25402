/**
 * saveHuggingFace: a smoe DecoderLanguageModel → a folder Transformers loads with
 * `AutoModelForCausalLM.from_pretrained(dir)` as Mixtral, Qwen2-MoE or OLMoE: `config.json` with
 * Transformers' field names, and float32 safetensors (`model.safetensors`, or shards of at most
 * `maxShardBytes` with `model.safetensors.index.json`), written one shard at a time.
 *
 * The layout defaults to the one that holds the model exactly (see `defaultArchitecture`); a
 * layout that cannot (Mixtral without renormalised routing, OLMoE without q/k norms, …) is
 * refused with the layout that can. Qwen2-MoE tensors smoe lacks are written as exact zeros
 * (q/k/v biases; a shared expert whose output is zero). The returned `notices` list what a
 * Transformers model will not carry: a swapped selection rule, router state such as an
 * auxiliary-loss-free bias, and the optimiser state.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DecoderLanguageModel } from '@smoe/moe';
import { encodeSafetensors, type SafetensorsTensor } from '@smoe/trainer';
import { writeFileAtomic } from '@smoe/trainer/node';
import { architectureNames, defaultArchitecture, tensorSpecs, toHuggingFaceConfig, type Architecture, type TensorSpec } from './architectures.js';
import { checkOneOf, invalid } from './errors.js';

/** Options of `saveHuggingFace`. */
export interface SaveOptions {
  /** 'mixtral', 'qwen2_moe' or 'olmoe'. Default: the layout that holds the model exactly. */
  architecture?: Architecture;
  /** Largest shard in bytes (Transformers' max_shard_size). Default 5e9. */
  maxShardBytes?: number;
}

/** What `saveHuggingFace` wrote. */
export interface SavedCheckpoint {
  architecture: Architecture;
  /** Paths written: config.json, the safetensors file(s), the index when sharded. */
  files: string[];
  /** What Transformers will not carry over. */
  notices: string[];
}

/** A checkpoint tensor [r, c] (or [n]) from a smoe parameter's host array (zeros when smoe has none). */
function extract(spec: TensorSpec, values: Float32Array | null): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  if (!values) return new Float32Array(size);
  const offset = (spec.expert ?? 0) * size;
  if (!spec.transpose) return values.slice(offset, offset + size);
  const [rows, cols] = spec.shape;
  const out = new Float32Array(size);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = values[offset + c * rows + r];
  return out;
}

/** Consecutive groups of specs of at most `maxBytes` each (a tensor larger than that gets a shard of its own). */
function shardPlan(specs: TensorSpec[], maxBytes: number): TensorSpec[][] {
  const shards: TensorSpec[][] = [[]];
  let bytes = 0;
  for (const spec of specs) {
    const size = 4 * spec.shape.reduce((a, b) => a * b, 1);
    if (bytes + size > maxBytes && shards[shards.length - 1].length > 0) {
      shards.push([]);
      bytes = 0;
    }
    shards[shards.length - 1].push(spec);
    bytes += size;
  }
  return shards;
}

/** Writes `model` to `dir` in a Transformers layout. */
export async function saveHuggingFace(model: DecoderLanguageModel, dir: string, options: SaveOptions = {}): Promise<SavedCheckpoint> {
  const architecture = checkOneOf('saveHuggingFace', 'architecture', options.architecture ?? defaultArchitecture(model.config), architectureNames);
  const maxShardBytes = options.maxShardBytes ?? 5e9;
  if (!(maxShardBytes > 0)) invalid('saveHuggingFace', 'maxShardBytes', maxShardBytes, 'a number of bytes > 0 (Infinity: one file)');
  const config = toHuggingFaceConfig(model.config, architecture);
  const specs = tensorSpecs(model.config, architecture);
  const parameters = new Map(model.namedParameters());
  const cache = new Map<string, Float32Array>();
  const valuesOf = async (name: string | null): Promise<Float32Array | null> => {
    if (name === null) return null;
    let values = cache.get(name);
    if (!values) {
      const parameter = parameters.get(name);
      if (!parameter) throw new Error(`saveHuggingFace: no smoe parameter '${name}' (a mapping bug)`);
      cache.set(name, (values = (await parameter.data()) as Float32Array));
    }
    return values;
  };
  mkdirSync(dir, { recursive: true });
  const shards = shardPlan(specs, maxShardBytes);
  const names = shards.length === 1 ? ['model.safetensors'] : shards.map((_, i) => `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`);
  const files: string[] = [];
  const weightMap: Record<string, string> = {};
  let totalSize = 0;
  for (const [i, shard] of shards.entries()) {
    const tensors = new Map<string, SafetensorsTensor>();
    for (const spec of shard) {
      const data = extract(spec, await valuesOf(spec.parameter));
      tensors.set(spec.key, { dtype: 'F32', shape: spec.shape, data });
      weightMap[spec.key] = names[i];
      totalSize += data.byteLength;
    }
    // Transformers refuses safetensors whose metadata lacks a known `format`.
    const path = join(dir, names[i]);
    await writeFileAtomic(path, encodeSafetensors(tensors, { format: 'pt' }));
    files.push(path);
    cache.clear();
  }
  if (shards.length > 1) {
    const index = join(dir, 'model.safetensors.index.json');
    writeFileSync(index, `${JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2)}\n`);
    files.push(index);
  }
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  files.unshift(configPath);
  const notices: string[] = [];
  const moe = model.config.moe;
  if (moe?.selection) notices.push(`the selection rule ${JSON.stringify(moe.selection)} is not carried over: Transformers routes with the trained top-${config.num_experts_per_tok} rule`);
  const state = Object.keys(await model.buffers()).filter((k) => !k.endsWith('.rng') && k !== 'body.rng');
  if (state.length) notices.push(`router state (${state.join(', ')}) is not carried over: Transformers' routers have no such buffers`);
  return { architecture, files, notices };
}
