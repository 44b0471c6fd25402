/**
 * Synthetic data with known clusters, for tests, examples and benchmarks: `clusters` Gaussian
 * blobs in `dim` dimensions. Centres are drawn N(0, separation²) per coordinate; points are
 * centre + N(0, spread²). Generated on the host with a seeded generator (data creation, not
 * tensor arithmetic), shuffled so batches mix clusters.
 * Defaults: 4 clusters × 64 points in 8 dimensions, separation 4, spread 0.3, seed 0.
 */
import { Rng, tensor, type Tensor } from '@smoe/tensor';
import { checkKeys, orDefault, checkInteger, checkNumber } from './config.js';

/** Options of `gaussianBlobs`. */
export interface BlobsOptions {
  /** Number of clusters. Default 4. */
  clusters?: number;
  /** Points per cluster. Default 64. */
  perCluster?: number;
  /** Dimension. Default 8. */
  dim?: number;
  /** Standard deviation of the centres' coordinates. Default 4. */
  separation?: number;
  /** Standard deviation of the points around their centre. Default 0.3. */
  spread?: number;
  /** Seed. Default 0. */
  seed?: number;
}

/** Points, their cluster labels and the cluster centres. */
export interface Blobs {
  /** [clusters·perCluster, dim] points. */
  x: Tensor;
  /** Cluster of each point. */
  labels: Int32Array;
  /** [clusters, dim] centres, row-major. */
  centers: Float32Array;
  /** The points on the host, row-major. */
  values: Float32Array;
}

/** Gaussian blobs with known clusters. */
export function gaussianBlobs(options: BlobsOptions = {}): Blobs {
  const where = 'gaussianBlobs';
  checkKeys(where, options, ['clusters', 'perCluster', 'dim', 'separation', 'spread', 'seed']);
  const clusters = checkInteger(where, 'clusters', orDefault(options.clusters, 4), 1);
  const perCluster = checkInteger(where, 'perCluster', orDefault(options.perCluster, 64), 1);
  const dim = checkInteger(where, 'dim', orDefault(options.dim, 8), 1);
  const separation = checkNumber(where, 'separation', orDefault(options.separation, 4), 0, Infinity);
  const spread = checkNumber(where, 'spread', orDefault(options.spread, 0.3), 0, Infinity);
  const rng = new Rng(orDefault(options.seed, 0));
  const centers = rng.normalArray(clusters * dim, 0, separation);
  const n = clusters * perCluster;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let j = n - 1; j > 0; j--) {
    const r = rng.int(j + 1);
    [order[j], order[r]] = [order[r], order[j]];
  }
  const values = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  order.forEach((source, row) => {
    const c = Math.floor(source / perCluster);
    labels[row] = c;
    for (let j = 0; j < dim; j++) values[row * dim + j] = centers[c * dim + j] + spread * rng.normal();
  });
  return { x: tensor(values, [n, dim]), labels, centers, values };
}

/**
 * Purity of an assignment against true labels: each code is credited with its most common
 * label; purity = credited points / all points (1 = every code holds one cluster).
 */
export function purity(codes: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (codes.length !== labels.length) throw new Error(`purity: ${codes.length} codes for ${labels.length} labels`);
  const table = new Map<number, Map<number, number>>();
  for (let i = 0; i < codes.length; i++) {
    const row = table.get(codes[i]) ?? new Map<number, number>();
    row.set(labels[i], (row.get(labels[i]) ?? 0) + 1);
    table.set(codes[i], row);
  }
  let credited = 0;
  for (const row of table.values()) credited += Math.max(...row.values());
  return codes.length ? credited / codes.length : 1;
}
