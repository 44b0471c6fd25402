/**
 * The report's charts: Vega-Lite specifications (https://vega.github.io/vega-lite/) rendered to
 * SVG in Node by Vega, with no browser and no canvas, so report.html is one self-contained file
 * that opens anywhere. Every chart has axis titles and a legend; several runs share one chart,
 * told apart by colour (and the curve by dash), so runs can be compared at a glance.
 *
 * - `lineChart`: curves over training steps (loss, learning rate, expert-load CV).
 * - `expertLoadChart`: tokens routed to each expert, one panel per MoE layer (and per run), the
 *   count written above each bar.
 * - `routingMapChart`: each character of a sample, per MoE layer, coloured by its top-1 expert,
 *   with the character drawn in its cell and a legend of experts.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One point of a curve: which run, which curve (e.g. 'train', 'validation'), step, value. */
export interface CurvePoint {
  run: string;
  curve: string;
  step: number;
  value: number;
}

/** Tokens routed to one expert of one MoE layer of one run. */
export interface ExpertLoad {
  run: string;
  layer: number;
  expert: number;
  tokens: number;
}

/** One character of the routing-map sample: its position, the character, and the expert each layer chose. */
export interface RoutedCharacter {
  run: string;
  layer: number;
  position: number;
  character: string;
  expert: number;
}

const font = 'system-ui, sans-serif';
const config = { font, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12 }, view: { stroke: '#ddd' } };

/** Renders a Vega-Lite specification to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** `<figure>` with a caption around an SVG chart. */
export function figure(caption: string, svg: string): string {
  return `<figure><figcaption>${escapeHtml(caption)}</figcaption>${svg}</figure>`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Curves over training steps. One run: one colour per curve. Several runs: one colour per run
 * and one dash per curve. `yTitle` names the quantity and its unit; `zero` keeps 0 on the axis.
 */
export function lineChart(points: readonly CurvePoint[], yTitle: string, options: { zero?: boolean; width?: number } = {}): TopLevelSpec {
  const runOrder = inOrder(points.map((p) => p.run));
  const curveOrder = inOrder(points.map((p) => p.curve));
  const runs = runOrder.length;
  const curves = curveOrder.length;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config,
    width: options.width ?? 640,
    height: 240,
    data: { values: points.filter((p) => Number.isFinite(p.value)).map((p) => ({ ...p, key: `${p.run} · ${p.curve}` })) },
    mark: { type: 'line', strokeWidth: 1.6, point: points.length <= 40 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'training step', axis: { tickCount: 8 } },
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: options.zero ?? false }, axis: { format: '~g' } },
      color: runs > 1 ? { field: 'run', type: 'nominal', title: 'run', scale: { domain: runOrder } } : { field: 'curve', type: 'nominal', title: 'curve', scale: { domain: curveOrder } },
      ...(runs > 1 && curves > 1 ? { strokeDash: { field: 'curve', type: 'nominal', title: 'curve', scale: { domain: curveOrder } } } : {}),
      detail: { field: 'key', type: 'nominal' },
      tooltip: [
        { field: 'run', type: 'nominal' },
        { field: 'curve', type: 'nominal' },
        { field: 'step', type: 'quantitative' },
        { field: 'value', type: 'quantitative', format: '.4~g' },
      ],
    },
  };
}

/** Tokens per expert as bars with their counts, one panel per MoE layer; several runs side by side. */
export function expertLoadChart(loads: readonly ExpertLoad[]): TopLevelSpec {
  const runOrder = inOrder(loads.map((l) => l.run));
  const runs = runOrder.length;
  const experts = new Set(loads.map((l) => l.expert)).size;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config,
    data: { values: loads.map((l) => ({ ...l, layerTitle: `MoE layer ${l.layer}` })) },
    facet: {
      row: { field: 'layerTitle', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelFontSize: 12 } },
      ...(runs > 1 ? { column: { field: 'run', type: 'nominal', title: 'run', sort: runOrder, header: { labelFontSize: 12 } } } : {}),
    },
    spec: {
      width: Math.max(160, Math.min(480, experts * 28)),
      height: 120,
      encoding: {
        x: { field: 'expert', type: 'ordinal', title: 'expert', axis: { labelAngle: 0 } },
        y: { field: 'tokens', type: 'quantitative', title: 'tokens routed', axis: { format: 'd', tickMinStep: 1 } },
      },
      layer: [
        { mark: { type: 'bar', color: '#4e79a7' }, encoding: { tooltip: [{ field: 'expert' }, { field: 'tokens' }] } },
        { mark: { type: 'text', dy: -6, fontSize: 10 }, encoding: { text: { field: 'tokens', type: 'quantitative' } } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** The routing map: positions × MoE layers, each cell coloured by the character's top-1 expert and showing the character. */
export function routingMapChart(cells: readonly RoutedCharacter[]): TopLevelSpec {
  const runOrder = inOrder(cells.map((c) => c.run));
  const runs = runOrder.length;
  const positions = new Set(cells.map((c) => c.position)).size;
  const rows = new Set(cells.map((c) => c.layer)).size;
  const values = cells.map((c) => ({ ...c, shown: c.character === ' ' ? '·' : c.character === '\n' ? '↵' : c.character, expertName: c.expert < 0 ? 'dropped' : `expert ${c.expert}` }));
  const expertNames = [...new Set(cells.map((c) => c.expert))].sort((a, b) => a - b).map((e) => (e < 0 ? 'dropped' : `expert ${e}`));
  const inner = {
    width: positions * 13,
    height: rows * 18,
    encoding: {
      x: { field: 'position', type: 'ordinal' as const, title: 'character of the sample', axis: { labels: false, ticks: false } },
      y: { field: 'layer', type: 'ordinal' as const, title: 'MoE layer' },
    },
    layer: [
      {
        mark: { type: 'rect' as const },
        encoding: {
          color: { field: 'expertName', type: 'nominal' as const, title: 'top-1 expert', sort: expertNames, scale: { domain: expertNames, scheme: 'tableau20' } },
          tooltip: [{ field: 'character' }, { field: 'layer' }, { field: 'expertName', title: 'expert' }],
        },
      },
      { mark: { type: 'text' as const, fontSize: 10, font: 'monospace', color: '#111' }, encoding: { text: { field: 'shown', type: 'nominal' as const } } },
    ],
  };
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config, data: { values } };
  const facet = { row: { field: 'run', type: 'nominal', title: null, sort: runOrder, header: { labelAngle: 0, labelAlign: 'left', labelFontSize: 12 } } };
  return runs > 1 ? ({ ...base, facet, spec: inner } as TopLevelSpec) : ({ ...base, ...inner } as TopLevelSpec);
}

/** The distinct values in order of first appearance (the order the runs were given in). */
function inOrder(values: readonly string[]): string[] {
  return [...new Set(values)];
}
