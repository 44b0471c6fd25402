/**
 * report: an HTML page for a run folder — training and validation loss curves, the learning
 * rate, per-expert load, and a routing map (each character of a validation sample coloured by
 * the expert each layer sends it to). Written to <run>/report.html.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { textCorpus, type CorpusName } from '@smoe/datasets/node';
import { LanguageModel } from '@smoe/moe';
import { topExpert } from '@smoe/routers';
import { noGrad } from '@smoe/tensor';
import { readMetrics, writeFileAtomic } from '@smoe/trainer/node';
import { helpText, parseFlags, UsageError, type FlagSpecs } from '../args.js';
import { loadModel, useBackend } from '../run.js';
import { barChart, lineChart, routingMap } from '../svg.js';
import { tokenizer } from '../tasks.js';

const flags: FlagSpecs = {
  from: { type: 'string', help: 'run folder (required)' },
  backend: { type: 'string', help: 'auto | cpu | webasm | webgpu' },
  help: { type: 'boolean', help: 'show this help' },
};

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** Builds the report of the run in `out`; returns the HTML path. */
export async function buildReport(out: string): Promise<string> {
  const metricsFile = join(out, 'metrics.jsonl');
  if (!existsSync(metricsFile)) throw new UsageError(`report: ${out} has no metrics.jsonl; give a run folder written by pretrain or finetune`);
  const lines = readMetrics(metricsFile);
  const trainLines = lines.filter((l) => l.type === 'train');
  const evalLines = lines.filter((l) => l.type === 'eval');
  const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);
  const series: Record<string, Array<[number, number]>> = { 'train loss': trainLines.map((l) => [l.step, num(l.loss)]) };
  if (evalLines.some((l) => typeof l.loss === 'number')) series['validation loss'] = evalLines.map((l) => [l.step, num(l.loss)]);
  const sections: string[] = [lineChart('Loss (nats per token)', series), lineChart('Learning rate', { lr: trainLines.map((l) => [l.step, num(l.lr)]) })];
  if (trainLines.some((l) => typeof l['routing.loadCv'] === 'number')) {
    sections.push(lineChart('Expert-load coefficient of variation (lower is more balanced)', { 'load CV': trainLines.map((l) => [l.step, num(l['routing.loadCv'])]) }));
  }
  const summaryFile = join(out, 'summary.json');
  const summary = existsSync(summaryFile) ? (JSON.parse(readFileSync(summaryFile, 'utf8')) as Record<string, unknown>) : undefined;
  try {
    const { model } = await loadModel(out);
    if (model instanceof LanguageModel && model.config.moe) {
      const dataset = ((summary?.settings as { dataset?: string } | undefined)?.dataset ?? 'moby-dick') as CorpusName;
      const sample = textCorpus(dataset === 'sotu' ? 'sotu' : 'moby-dick', 'validation').slice(1000, 1000 + Math.min(model.config.context, 96));
      const ids = tokenizer.encode(sample);
      model.eval();
      await noGrad(() => model.forward(ids, [1, ids.length]));
      const maps: Int32Array[] = [];
      for (const { layer, moe } of model.body.moeLayers()) {
        if (!moe.lastPlan) continue;
        maps.push(await topExpert(moe.lastPlan));
        sections.push(barChart(`Layer ${layer}: tokens per expert on this sample`, Array.from(moe.lastPlan.counts)));
      }
      sections.push(routingMap('Routing map: the top-1 expert of each character, per MoE layer', sample, maps));
    }
  } catch (error) {
    sections.push(`<p>Routing map unavailable: ${escape((error as Error).message)}</p>`);
  }
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>smoe run ${escape(out)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1000px}figure{margin:1.5em 0}figcaption{font-weight:600;margin-bottom:.3em}pre{background:#f6f6f6;padding:1em;overflow:auto}</style></head>
<body><h1>smoe run: ${escape(out)}</h1>
${summary ? `<h2>Summary</h2><pre>${escape(JSON.stringify(summary, null, 2))}</pre>` : ''}
<h2>Training</h2>${sections.join('\n')}
</body></html>\n`;
  const path = join(out, 'report.html');
  await writeFileAtomic(path, new TextEncoder().encode(html));
  return path;
}

/** `pnpm demo report --from <run folder>`. */
export async function report(argv: readonly string[]): Promise<void> {
  const parsed = parseFlags('report', argv, flags);
  if (parsed.help) {
    process.stdout.write(helpText('report', 'Writes <run>/report.html: loss curves, expert load and a routing map.', flags));
    return;
  }
  if (typeof parsed.from !== 'string') throw new UsageError('report: --from <run folder> is required');
  await useBackend(typeof parsed.backend === 'string' ? parsed.backend : 'auto');
  console.log(`written: ${await buildReport(parsed.from)}`);
}
