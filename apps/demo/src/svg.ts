/**
 * Small SVG charts for the HTML report: line charts (loss curves), bar charts (expert load) and
 * a heat map (routing map: tokens × layers coloured by expert). No dependencies.
 */

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** A color for series or expert `i`. */
export function color(i: number): string {
  if (i < PALETTE.length) return PALETTE[i];
  return `hsl(${(i * 137.5) % 360} 60% 55%)`;
}

function tick(y: number): string {
  return Math.abs(y) >= 0.01 || y === 0 ? y.toFixed(2) : y.toExponential(1);
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A line chart of named series of [x, y] points. */
export function lineChart(title: string, series: Record<string, Array<[number, number]>>, width = 640, height = 260): string {
  const all = Object.values(series).flat();
  if (all.length === 0) return `<p>${escape(title)}: no data</p>`;
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]).filter(Number.isFinite);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs) || 1];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const pad = 40;
  const sx = (x: number): number => pad + ((x - x0) / (x1 - x0 || 1)) * (width - 2 * pad);
  const sy = (y: number): number => height - pad - ((y - y0) / (y1 - y0 || 1)) * (height - 2 * pad);
  const lines = Object.entries(series).map(([name, pts], i) => {
    const d = pts.filter((p) => Number.isFinite(p[1])).map((p, j) => `${j ? 'L' : 'M'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join('');
    return `<path d="${d}" fill="none" stroke="${color(i)}" stroke-width="1.5"/><text x="${width - pad}" y="${14 + 14 * i}" text-anchor="end" fill="${color(i)}" font-size="12">${escape(name)}</text>`;
  });
  const axes = `<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#999"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="#999"/>`;
  const labels = `<text x="${pad}" y="${height - 10}" font-size="11">${x0}</text><text x="${width - pad}" y="${height - 10}" font-size="11" text-anchor="end">${x1}</text><text x="4" y="${sy(y1) + 4}" font-size="11">${tick(y1)}</text><text x="4" y="${sy(y0)}" font-size="11">${tick(y0)}</text>`;
  return `<figure><figcaption>${escape(title)}</figcaption><svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${axes}${labels}${lines.join('')}</svg></figure>`;
}

/** A bar chart of values (e.g. the load of each expert). */
export function barChart(title: string, values: readonly number[], width = 320, height = 160): string {
  const max = Math.max(...values, 1e-9);
  const bw = (width - 20) / Math.max(values.length, 1);
  const bars = values.map((v, i) => {
    const h = (v / max) * (height - 30);
    return `<rect x="${10 + i * bw}" y="${height - 20 - h}" width="${Math.max(bw - 2, 1)}" height="${h}" fill="${color(i)}"><title>expert ${i}: ${v.toFixed(4)}</title></rect>`;
  });
  return `<figure><figcaption>${escape(title)}</figcaption><svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${bars.join('')}<line x1="10" y1="${height - 20}" x2="${width - 10}" y2="${height - 20}" stroke="#999"/></svg></figure>`;
}

/** A routing map: one row per layer, one cell per character, coloured by its top-1 expert. */
export function routingMap(title: string, text: string, experts: readonly Int32Array[]): string {
  const cell = 12;
  const rows = experts.map((row, layer) =>
    Array.from(row, (e, i) => `<rect x="${60 + i * cell}" y="${20 + layer * (cell + 4)}" width="${cell - 1}" height="${cell}" fill="${e < 0 ? '#eee' : color(e)}"><title>'${escape(text[i] ?? '')}' → expert ${e}</title></rect>`).join('') +
    `<text x="0" y="${30 + layer * (cell + 4)}" font-size="11">layer ${layer}</text>`,
  );
  const chars = Array.from(text, (c, i) => `<text x="${60 + i * cell + 2}" y="12" font-size="10" font-family="monospace">${escape(c === ' ' ? '·' : c)}</text>`).join('');
  const width = 70 + text.length * cell;
  const height = 30 + experts.length * (cell + 4);
  return `<figure><figcaption>${escape(title)}</figcaption><svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${chars}${rows.join('')}</svg></figure>`;
}
