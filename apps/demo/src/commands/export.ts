/**
 * export: writes a smoe run's language model as a Transformers checkpoint folder — config.json,
 * safetensors (sharded above --max-shard-bytes) and a tokenizer.json of the demo's byte
 * vocabulary — that `AutoModelForCausalLM.from_pretrained(OUT)` and
 * `AutoTokenizer.from_pretrained(OUT)` load, to continue training at scale. The model must have
 * been pre-trained with `--architecture mixtral` and a softmax top-k token-choice router.
 */
import { DecoderLanguageModel } from '@smoe/moe';
import { architectureNames, saveByteTokenizer, saveHuggingFace, type Architecture } from '@smoe/hub';
import { helpText, parseFlags, UsageError, type FlagSpecs } from '../args.js';
import { loadModel, useBackend } from '../run.js';
import { defaultSettings } from '../settings.js';

const flags: FlagSpecs = {
  from: { type: 'string', help: `checkpoint file or run folder (default ${defaultSettings.out})` },
  hf: { type: 'string', help: 'folder to write the Transformers checkpoint to (required)' },
  architecture: { type: 'string', help: 'Transformers layout (default: the one that holds the model exactly)', choices: architectureNames },
  'max-shard-bytes': { type: 'number', help: 'largest safetensors shard in bytes (default 5e9)' },
  backend: { type: 'string', help: 'auto | cpu | webasm | webgpu | headlessgl' },
  help: { type: 'boolean', help: 'show this help' },
};

/** Writes the model of `from` to `out`; returns the files written and what is not carried over. */
export async function runExport(from: string, out: string, options: { architecture?: Architecture; maxShardBytes?: number } = {}): Promise<{ architecture: Architecture; files: string[]; notices: string[] }> {
  const { model, path } = await loadModel(from);
  if (!(model instanceof DecoderLanguageModel)) {
    throw new UsageError(`export: ${path} holds a ${model.constructor.name}, which has no Transformers layout (LayerNorm, learned positions, GELU); pre-train with --architecture mixtral to export`);
  }
  const saved = await saveHuggingFace(model, out, options);
  const tokenizerFiles = saveByteTokenizer(out, ['<pad>', '<bos>', '<eos>'], { pad: '<pad>', bos: '<bos>', eos: '<eos>' });
  return { ...saved, files: [...saved.files, ...tokenizerFiles] };
}

/** `pnpm demo export --from <run> --hf <folder>`. */
export async function exportCommand(argv: readonly string[]): Promise<void> {
  const parsed = parseFlags('export', argv, flags);
  if (parsed.help) {
    process.stdout.write(helpText('export', 'Writes a run\'s language model as a Transformers checkpoint folder (Mixtral / Qwen2-MoE / OLMoE layout) with a tokenizer.json.', flags));
    return;
  }
  if (typeof parsed.hf !== 'string') throw new UsageError('export: --hf <output folder> is required');
  await useBackend(typeof parsed.backend === 'string' ? parsed.backend : 'cpu');
  const r = await runExport(typeof parsed.from === 'string' ? parsed.from : defaultSettings.out, parsed.hf, {
    architecture: parsed.architecture as Architecture | undefined,
    maxShardBytes: parsed['max-shard-bytes'] as number | undefined,
  });
  console.log(`export: wrote a ${r.architecture} checkpoint to ${parsed.hf}:`);
  for (const file of r.files) console.log(`  ${file}`);
  for (const notice of r.notices) console.log(`  not carried over: ${notice}`);
}
