/**
 * The page's charts, drawn by Chart.js: the loss curve, tokens per second, and the expert load
 * of each MoE layer (share of routed token–expert pairs per expert, last step). Points arrive
 * every step; drawing is batched to one redraw per animation frame.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title, Tooltip } from 'chart.js';
import type { StepRecord } from './training.js';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Legend, Title, Tooltip);

/** One colour per expert (and per layer in the load chart), distinguishable and colour-blind aware (Okabe–Ito, then Tableau). */
export const palette = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000', '#8c564b', '#7f7f7f', '#bcbd22', '#17becf', '#9467bd', '#ff9896', '#c5b0d5', '#c49c94'];

function axes(x: string, y: string): Record<string, unknown> {
  return {
    x: { type: 'linear', title: { display: true, text: x } },
    y: { title: { display: true, text: y } },
  };
}

function lineChart(canvas: HTMLCanvasElement, title: string, label: string, y: string, color: string): Chart<'line', Array<{ x: number; y: number }>> {
  return new Chart(canvas, {
    type: 'line',
    data: { datasets: [{ label, data: [], borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 1.5 }] },
    options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { title: { display: true, text: title } }, scales: axes('step', y) as never },
  });
}

/** The three charts, fed step records as training goes. */
export class TrainingCharts {
  private readonly loss: Chart<'line', Array<{ x: number; y: number }>>;
  private readonly speed: Chart<'line', Array<{ x: number; y: number }>>;
  private readonly load: Chart<'bar', number[], string>;
  private pending = false;

  constructor(canvases: { loss: HTMLCanvasElement; speed: HTMLCanvasElement; load: HTMLCanvasElement }) {
    this.loss = lineChart(canvases.loss, 'Training loss', 'loss (cross-entropy + auxiliary)', 'nats per byte', palette[0]);
    this.speed = lineChart(canvases.speed, 'Speed', 'tokens/s', 'tokens per second', palette[2]);
    this.load = new Chart(canvases.load, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: 'Expert load per MoE layer (last step)' } },
        scales: { x: { title: { display: true, text: 'expert' } }, y: { min: 0, title: { display: true, text: 'share of routed pairs' } } },
      },
    });
  }

  /** Empties every chart for a new run. */
  reset(): void {
    this.loss.data.datasets[0].data = [];
    this.speed.data.datasets[0].data = [];
    this.load.data.labels = [];
    this.load.data.datasets = [];
    this.redraw();
  }

  /** Adds one step. */
  add(record: StepRecord): void {
    this.loss.data.datasets[0].data.push({ x: record.step, y: record.loss });
    this.speed.data.datasets[0].data.push({ x: record.step, y: record.tokensPerSecond });
    const experts = record.load[0]?.length ?? 0;
    if (this.load.data.labels?.length !== experts) this.load.data.labels = Array.from({ length: experts }, (_, e) => String(e));
    this.load.data.datasets = record.load.map((shares, layer) => ({ label: `layer ${layer}`, data: shares, backgroundColor: palette[layer % palette.length] }));
    this.redraw();
  }

  private redraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      for (const chart of [this.loss, this.speed, this.load]) chart.update('none');
    });
  }
}
