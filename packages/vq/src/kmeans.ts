/**
 * k-means for codebook initialisation (the "k-means init from the first batch" of
 * Zeghidour et al. 2021, "SoundStream", and lucidrains' vector-quantize-pytorch).
 *
 * Seeding: greedy k-means++ (Arthur & Vassilvitskii 2007, "k-means++: The Advantages of
 * Careful Seeding"; the greedy variant of scikit-learn): the first centre uniformly, then each
 * next one among 2 + ⌊ln K⌋ candidates drawn with probability ∝ D(x)², the squared distance to
 * the nearest centre chosen so far, keeping the candidate that lowers Σ D(x)² most;
 * or `random`: K distinct rows.
 * Then Lloyd iterations: assign to the nearest centre, move each centre to the mean of its
 * points (an empty cluster keeps its centre). With `cosine`, points and centres live on the
 * unit sphere (spherical k-means). Defaults: 10 iterations, k-means++ seeding.
 * Distances, assignments and means are kernels; the host only samples seed rows.
 */
import { indexAdd, indexSelect, maximum, noGrad, ones, tensor, where, zeros, greater, type Rng, type Tensor } from '@smoe/tensor';
import { VQConfigError, checkInteger, checkOneOf } from './config.js';
import { distances, l2Normalize, nearestCode, pairwiseDistances, type Distance } from './distance.js';

/** How k-means picks its first centres. */
export type KMeansSeeding = 'kmeans++' | 'random';

/** The seedings the package knows. */
export const kmeansSeedings: readonly KMeansSeeding[] = ['kmeans++', 'random'];

/** Options of `kmeans`. */
export interface KMeansOptions {
  /** Number of clusters K. */
  clusters: number;
  /** Lloyd iterations after seeding. Default 10. */
  iterations?: number;
  /** Seeding. Default 'kmeans++'. */
  seeding?: KMeansSeeding;
  /** Distance. Default 'l2'. */
  distance?: Distance;
  /** Generator for the seeding. */
  rng: Rng;
}

/** What `kmeans` found. */
export interface KMeansResult {
  /** [K, D] centres (unit rows with `cosine`). */
  centroids: Tensor;
  /** [K] points per centre in the final assignment. */
  counts: Tensor;
  /** Host copy of the final assignment [N]. */
  assignment: Int32Array;
}

/** Clusters the rows of x [N, D]. No autograd. */
export async function kmeans(x: Tensor, options: KMeansOptions): Promise<KMeansResult> {
  const k = checkInteger('kmeans', 'clusters', options.clusters, 1);
  const iterations = checkInteger('kmeans', 'iterations', options.iterations ?? 10, 0);
  const distance = checkOneOf('kmeans', 'distance', options.distance ?? 'l2', distances);
  if (x.rank !== 2 || x.shape[0] < 1) throw new VQConfigError('kmeans', 'x', x, 'a tensor of shape [N, D] with N ≥ 1');
  const points = noGrad(() => (distance === 'cosine' ? l2Normalize(x.detach()) : x.detach()));
  const [n, d] = points.shape;
  const rows = (options.seeding ?? 'kmeans++') === 'kmeans++' ? await plusPlusRows(points, k, options.rng) : randomRows(n, k, options.rng);
  let centroids = noGrad(() => indexSelect(points, 0, tensor(Int32Array.from(rows))));
  const unit = ones([n]);
  for (let i = 0; i < iterations; i++) {
    centroids = noGrad(() => {
      const codes = nearestCode(points, centroids, distance);
      const column = indexAdd(zeros([k]), 0, codes, unit).reshape([k, 1]);
      const sums = indexAdd(zeros([k, d]), 0, codes, points);
      const means = sums.div(maximum(column, 1));
      return where(greater(column, 0), distance === 'cosine' ? l2Normalize(means) : means, centroids);
    });
  }
  const codes = nearestCode(points, centroids, distance);
  const counts = noGrad(() => indexAdd(zeros([k]), 0, codes, unit));
  return { centroids, counts, assignment: (await codes.data()) as Int32Array };
}

// K distinct rows when N ≥ K (partial Fisher–Yates), else every row then repeats.
function randomRows(n: number, k: number, rng: Rng): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    if (i % n === 0) {
      for (let j = n - 1; j > 0; j--) {
        const r = rng.int(j + 1);
        [pool[j], pool[r]] = [pool[r], pool[j]];
      }
    }
    out.push(pool[i % n]);
  }
  return out;
}

// Greedy k-means++ (as scikit-learn): each step draws 2 + ⌊ln K⌋ candidates by D² sampling and
// keeps the one that lowers the potential Σ D² most. Distances, minima and potentials are
// kernels; the host reads D² and the candidates' potentials to sample and choose.
async function plusPlusRows(points: Tensor, k: number, rng: Rng): Promise<number[]> {
  const n = points.shape[0];
  const trials = 2 + Math.floor(Math.log(k));
  const rows = [rng.int(n)];
  let nearest = noGrad(() => squaredDistances(points, indexSelect(points, 0, tensor(Int32Array.of(rows[0]))))); // [N, 1]
  while (rows.length < k) {
    const weights = (await nearest.data()) as Float32Array;
    const candidates = Array.from({ length: trials }, () => sampleProportional(weights, rng));
    const current = nearest;
    const { minima, potentials } = noGrad(() => {
      const minima = current.minimum(squaredDistances(points, indexSelect(points, 0, tensor(Int32Array.from(candidates))))); // [N, trials]
      return { minima, potentials: minima.sum(0) };
    });
    const scores = (await potentials.data()) as Float32Array;
    let best = 0;
    for (let t = 1; t < trials; t++) if (scores[t] < scores[best]) best = t;
    rows.push(candidates[best]);
    nearest = noGrad(() => minima.slice(1, best, 1));
  }
  return rows;
}

// ‖x − c‖² for x [N, D], c [M, D] → [N, M] (small negative rounding clamped).
function squaredDistances(x: Tensor, centres: Tensor): Tensor {
  return pairwiseDistances(x, centres, 'l2');
}

// A row index drawn with probability ∝ weights (uniform when they are all 0: fewer distinct points than clusters).
function sampleProportional(weights: Float32Array, rng: Rng): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  if (!(total > 0)) return rng.int(weights.length);
  let target = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i];
    if (target < 0) return i;
  }
  return weights.length - 1;
}
