/**
 * The routing map: the sample text once per MoE layer, each character on the colour of the
 * expert that gets it first (top-1), with a legend of the experts. Plain DOM (text with
 * background colours is not a chart); colours are the charts' palette.
 */
import { palette } from './charts.js';
import type { RoutingMap } from './training.js';

/** Black or white, whichever reads better on `background` (#rrggbb). */
function inkOn(background: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(background.slice(i, i + 2), 16));
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#000' : '#fff';
}

/** Replaces the contents of `container` with the map of `map` after `step` updates. */
export function renderRoutingMap(container: HTMLElement, map: RoutingMap, step: number, experts: number): void {
  const document = container.ownerDocument;
  const caption = document.createElement('p');
  caption.textContent = `After step ${step}: each character coloured by its top-1 expert, one row per MoE layer.`;
  const legend = document.createElement('p');
  legend.className = 'legend';
  for (let expert = 0; expert < experts; expert++) {
    const key = document.createElement('span');
    key.textContent = `expert ${expert}`;
    key.style.background = palette[expert % palette.length];
    key.style.color = inkOn(palette[expert % palette.length]);
    legend.append(key);
  }
  const rows = map.experts.map((layerExperts, layer) => {
    const row = document.createElement('div');
    row.className = 'routing-row';
    const label = document.createElement('span');
    label.className = 'routing-label';
    label.textContent = `layer ${layer}`;
    const text = document.createElement('span');
    text.className = 'routing-text';
    map.characters.forEach((character, i) => {
      const cell = document.createElement('span');
      const color = palette[layerExperts[i] % palette.length] ?? '#ccc';
      cell.textContent = character === '\n' ? '⏎' : character;
      cell.title = `'${character}' → expert ${layerExperts[i]}`;
      cell.style.background = color;
      cell.style.color = inkOn(color);
      text.append(cell);
    });
    row.append(label, text);
    return row;
  });
  container.replaceChildren(caption, legend, ...rows);
}
