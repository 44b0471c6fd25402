/**
 * embed: evaluates a pre-trained language model's MoEE embeddings without training it —
 * SpamAssassin messages embedded as the pooled hidden state, the routing weights of every MoE
 * layer, both concatenated, or both with summed similarities (@smoe/moe's `embed`), each scored
 * by nearest-neighbour and linear-probe accuracy (test messages against training messages),
 * with the model's own selection rule and with a training-free swap (USMoE by default). The model
 * is a smoe run, or a Transformers MoE folder (`--from-hf`) read with its own tokenizer. Writes
 * embeddings.json and prints the table generated from it.
 */
import { basename, dirname, join } from 'node:path';
import { LanguageModelBase, embedKinds, embeddingKinds, type EmbeddingKind } from '@smoe/moe';
import { helpText, parseFlags, UsageError, type FlagSpecs } from '../args.js';
import { linearProbe, nearestNeighbourLabels } from '../probe.js';
import { fmt, loadHuggingFaceFolder, loadModel, useBackend, writeJson } from '../run.js';
import { classificationScores, spamData, tokenizer } from '../tasks.js';

const flags: FlagSpecs = {
  from: { type: 'string', help: 'a pre-trained language model: checkpoint file or run folder (this or --from-hf is required)' },
  'from-hf': { type: 'string', help: 'a Transformers Mixtral / Qwen2-MoE / OLMoE folder (config.json, safetensors, tokenizer.json), read with its own tokenizer' },
  tokens: { type: 'number', help: "tokens per message (default: the model's context, at most 256)" },
  selection: { type: 'string', help: "the training-free selection compared with the trained rule, as rule[@k], or 'none' (default usmoe@k, k the trained router's)" },
  kinds: { type: 'string', help: `comma-separated embedding kinds (default ${embeddingKinds.join(',')})` },
  'train-size': { type: 'number', help: 'training messages embedded (the neighbours and the probe\'s data; 0: all; default 600)' },
  'test-size': { type: 'number', help: 'test messages scored (0: all; default 300)' },
  alpha: { type: 'number', help: "weight of the routing similarity in 'sum' (default 1)" },
  batch: { type: 'number', help: 'messages per forward pass (default 16)' },
  out: { type: 'string', help: 'JSON file to write (default <run folder>/embeddings.json; runs/embed/<folder name>.json for --from-hf)' },
  backend: { type: 'string', help: 'auto | cpu | webasm | webgpu | headlessgl' },
  help: { type: 'boolean', help: 'show this help' },
};

/** One row of the study: a selection rule and an embedding kind, with both scores. */
export interface EmbeddingRow {
  selection: string;
  kind: EmbeddingKind;
  width: number;
  nearestNeighbour: { accuracy: number; f1: number };
  linearProbe: { accuracy: number; f1: number };
}

/** What `embed` writes. */
export interface EmbeddingStudy {
  command: 'embed';
  checkpoint: string;
  trainMessages: number;
  testMessages: number;
  tokensPerMessage: number;
  /** Accuracy of always answering the test messages' most frequent class (the floor to beat). */
  majorityAccuracy: number;
  alpha: number;
  rows: EmbeddingRow[];
}

/** A pre-trained language model for the study, with the tokenizer its text is read with. */
export interface EmbeddingSource {
  model: LanguageModelBase;
  /** Where it came from, for the table and the JSON. */
  name: string;
  encode(text: string): Int32Array;
  /** The id written after a message's end (masked out of the pooling). */
  pad: number;
}

/** Opens `--from` (a smoe checkpoint or run folder; byte tokens) or, with `hf`, a Transformers folder (its own tokenizer). */
export async function openEmbeddingSource(from: string, hf = false): Promise<EmbeddingSource> {
  if (hf) {
    const { model, architecture, tokenizer: own } = await loadHuggingFaceFolder(from, 'embed');
    // ids past a message's end are masked out of the pooling, so any id of the vocabulary serves
    return { model, name: `${from} (${architecture})`, encode: (text) => own.encode(text), pad: 0 };
  }
  const { model, path } = await loadModel(from);
  if (!(model instanceof LanguageModelBase)) throw new UsageError(`embed: --from must be a pre-trained language model; ${path} holds a ${model.constructor.name}`);
  return { model, name: path, encode: (text) => tokenizer.encode(text), pad: tokenizer.pad };
}

/** Every k-th message of a split (both classes stay represented), cut to `length` tokens. */
function messages(split: 'train' | 'test', length: number, limit: number, encode: (text: string) => Int32Array): { ids: Int32Array[]; labels: Int32Array } {
  const all = spamData(split, length, encode);
  const n = limit > 0 ? Math.min(limit, all.ids.length) : all.ids.length;
  const pick = Array.from({ length: n }, (_, i) => Math.floor((i * all.ids.length) / n));
  return { ids: pick.map((i) => all.ids[i]), labels: Int32Array.from(pick, (i) => all.labels[i]) };
}

/** Every kind's embeddings [messages, width] of `ids`, from one forward pass per batch (padded to `length`, with a mask). */
async function embedAll(model: LanguageModelBase, ids: readonly Int32Array[], length: number, pad: number, batch: number, kinds: readonly EmbeddingKind[], alpha: number): Promise<Map<EmbeddingKind, { vectors: Float32Array; width: number }>> {
  const parts = new Map<EmbeddingKind, Float32Array[]>(kinds.map((kind) => [kind, []]));
  const widths = new Map<EmbeddingKind, number>();
  for (let start = 0; start < ids.length; start += batch) {
    const rows = ids.slice(start, start + batch);
    const flat = new Int32Array(rows.length * length).fill(pad);
    const mask = new Float32Array(rows.length * length);
    rows.forEach((row, r) => {
      const cut = row.subarray(0, length);
      flat.set(cut, r * length);
      mask.fill(1, r * length, r * length + Math.max(cut.length, 1));
    });
    const embeddings = await embedKinds(model, flat, [rows.length, length], kinds, { mask, alpha });
    for (const kind of kinds) {
      const e = embeddings[kind]!;
      widths.set(kind, e.shape[1]);
      parts.get(kind)!.push((await e.data()) as Float32Array);
    }
  }
  return new Map(kinds.map((kind) => {
    const list = parts.get(kind)!;
    const vectors = new Float32Array(list.reduce((n, p) => n + p.length, 0));
    list.reduce((offset, p) => (vectors.set(p, offset), offset + p.length), 0);
    return [kind, { vectors, width: widths.get(kind)! }];
  }));
}

/** Runs the study on a pre-trained language model: a smoe checkpoint or run folder, or an opened source (`openEmbeddingSource`). */
export async function runEmbeddingStudy(from: string | EmbeddingSource, options: { selection?: string; kinds?: EmbeddingKind[]; trainSize?: number; testSize?: number; tokens?: number; alpha?: number; batch?: number; log?: (line: string) => void } = {}): Promise<EmbeddingStudy> {
  const { model, name, encode, pad } = typeof from === 'string' ? await openEmbeddingSource(from) : from;
  const moe = (model.config as { moe?: { router: { topK?: unknown } } | null }).moe;
  if (!moe) throw new UsageError(`embed: ${name} is a dense model; MoEE needs MoE layers (routing weights)`);
  const log = options.log ?? (() => {});
  const kinds = options.kinds ?? [...embeddingKinds];
  const alpha = options.alpha ?? 1;
  const batch = options.batch ?? 16;
  const length = options.tokens ?? Math.min(model.config.context, 256);
  if (!Number.isInteger(length) || length < 1 || length > model.config.context) throw new UsageError(`embed: --tokens ${length} is invalid; allowed: an integer from 1 to the model's context (${model.config.context})`);
  const trainedK = moe.router.topK;
  const swap = options.selection ?? `usmoe@${typeof trainedK === 'number' ? trainedK : 2}`;
  const train = messages('train', length, options.trainSize ?? 600, encode);
  const test = messages('test', length, options.testSize ?? 300, encode);
  const rows: EmbeddingRow[] = [];
  for (const selection of swap === 'none' ? ['trained'] : ['trained', swap]) {
    if (selection === 'trained') model.setSelection(null);
    else {
      const [rule, k] = selection.split('@');
      model.setSelection({ rule, ...(k !== undefined ? { topK: Number(k) } : {}) });
    }
    log(`embed: ${selection}: ${train.ids.length} training and ${test.ids.length} test messages`);
    const trainEmbeddings = await embedAll(model, train.ids, length, pad, batch, kinds, alpha);
    const testEmbeddings = await embedAll(model, test.ids, length, pad, batch, kinds, alpha);
    for (const kind of kinds) {
      const a = trainEmbeddings.get(kind)!;
      const b = testEmbeddings.get(kind)!;
      const nn = classificationScores(nearestNeighbourLabels(a.vectors, train.labels, b.vectors, a.width), test.labels);
      const probe = classificationScores(linearProbe(a.vectors, train.labels, b.vectors, a.width, 2), test.labels);
      rows.push({ selection, kind, width: a.width, nearestNeighbour: { accuracy: nn.accuracy, f1: nn.f1 }, linearProbe: { accuracy: probe.accuracy, f1: probe.f1 } });
    }
  }
  model.setSelection(null);
  const spam = test.labels.reduce((n, label) => n + label, 0) / test.labels.length;
  return { command: 'embed', checkpoint: name, trainMessages: train.ids.length, testMessages: test.ids.length, tokensPerMessage: length, majorityAccuracy: Math.max(spam, 1 - spam), alpha, rows };
}

/** The markdown table of a study (generated from its JSON). */
export function embeddingTable(study: EmbeddingStudy): string {
  const lines = [
    '| selection | embedding | width | 1-NN accuracy | 1-NN F1 | linear probe accuracy | linear probe F1 |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...study.rows.map((r) => `| ${r.selection} | ${r.kind} | ${r.width} | ${fmt(r.nearestNeighbour.accuracy * 100, 1)} % | ${fmt(r.nearestNeighbour.f1)} | ${fmt(r.linearProbe.accuracy * 100, 1)} % | ${fmt(r.linearProbe.f1)} |`),
  ];
  return `${lines.join('\n')}\n\nSpamAssassin, ${study.trainMessages} training / ${study.testMessages} test messages, first ${study.tokensPerMessage} tokens, embedded by ${study.checkpoint} without training (sum: α = ${study.alpha}); always answering the majority class scores ${fmt(study.majorityAccuracy * 100, 1)} %.\n`;
}

/** `pnpm demo embed --from <run>`. */
export async function embedCommand(argv: readonly string[]): Promise<void> {
  const parsed = parseFlags('embed', argv, flags);
  if (parsed.help) {
    process.stdout.write(helpText('embed', 'Scores MoEE embeddings of SpamAssassin messages from a pre-trained LM (a smoe run or a Transformers MoE folder), without training: nearest neighbour and linear probe, per embedding kind, with the trained selection rule and a training-free swap.', flags));
    return;
  }
  const fromHf = parsed['from-hf'];
  if ((typeof parsed.from === 'string') === (typeof fromHf === 'string')) throw new UsageError('embed: give one of --from <checkpoint or run folder of a pre-trained language model> or --from-hf <Transformers folder>');
  const kinds = typeof parsed.kinds === 'string' ? parsed.kinds.split(',').map((k) => k.trim()) : undefined;
  for (const kind of kinds ?? []) if (!(embeddingKinds as readonly string[]).includes(kind)) throw new UsageError(`embed: --kinds '${kind}' is not one of: ${embeddingKinds.join(', ')}`);
  await useBackend(typeof parsed.backend === 'string' ? parsed.backend : 'auto');
  const source = typeof fromHf === 'string' ? await openEmbeddingSource(fromHf, true) : await openEmbeddingSource(parsed.from as string);
  const study = await runEmbeddingStudy(source, {
    selection: parsed.selection as string | undefined,
    kinds: kinds as EmbeddingKind[] | undefined,
    trainSize: parsed['train-size'] as number | undefined,
    testSize: parsed['test-size'] as number | undefined,
    alpha: parsed.alpha as number | undefined,
    batch: parsed.batch as number | undefined,
    tokens: parsed.tokens as number | undefined,
    log: (line) => console.log(line),
  });
  const out = typeof parsed.out === 'string' ? parsed.out : typeof fromHf === 'string' ? join('runs', 'embed', `${basename(fromHf)}.json`) : join(study.checkpoint.includes('/checkpoints/') ? dirname(dirname(study.checkpoint)) : dirname(study.checkpoint), 'embeddings.json');
  await writeJson(out, study);
  console.log(`\n${embeddingTable(study)}\nwritten: ${out}`);
}
