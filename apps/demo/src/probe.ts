/**
 * Evaluating fixed embeddings without training the model: nearest-neighbour accuracy (each test
 * vector takes the label of the most cosine-similar training vector) and a linear probe
 * (multinomial logistic regression on the training vectors, standardised by their mean and
 * standard deviation, full-batch gradient descent with an L2 penalty). Plain host arithmetic.
 */

/** Labels of the test rows by their nearest training row in cosine similarity (ties: the first). */
export function nearestNeighbourLabels(train: Float32Array, trainLabels: ArrayLike<number>, test: Float32Array, width: number): Int32Array {
  const norms = (x: Float32Array): Float64Array => Float64Array.from({ length: x.length / width }, (_, r) => Math.sqrt(x.subarray(r * width, (r + 1) * width).reduce((s, v) => s + v * v, 0)) || 1);
  const trainNorm = norms(train);
  const testNorm = norms(test);
  const out = new Int32Array(test.length / width);
  for (let i = 0; i < out.length; i++) {
    let best = -Infinity;
    for (let j = 0; j < trainNorm.length; j++) {
      let dot = 0;
      for (let c = 0; c < width; c++) dot += test[i * width + c] * train[j * width + c];
      const similarity = dot / (testNorm[i] * trainNorm[j]);
      if (similarity > best) [best, out[i]] = [similarity, trainLabels[j]];
    }
  }
  return out;
}

/** Options of `linearProbe`. */
export interface LinearProbeOptions {
  /** Gradient-descent steps. Default 500. */
  steps?: number;
  /** Step size. Default 0.5. */
  lr?: number;
  /** L2 penalty on the weights. Default 1e-3. */
  l2?: number;
}

/** Trains a logistic-regression probe on (train, labels) and returns its predictions for `test`. */
export function linearProbe(train: Float32Array, trainLabels: ArrayLike<number>, test: Float32Array, width: number, classes: number, options: LinearProbeOptions = {}): Int32Array {
  const { steps = 500, lr = 0.5, l2 = 1e-3 } = options;
  const n = train.length / width;
  const mean = new Float64Array(width);
  const std = new Float64Array(width);
  for (let r = 0; r < n; r++) for (let c = 0; c < width; c++) mean[c] += train[r * width + c] / n;
  for (let r = 0; r < n; r++) for (let c = 0; c < width; c++) std[c] += (train[r * width + c] - mean[c]) ** 2 / n;
  for (let c = 0; c < width; c++) std[c] = Math.sqrt(std[c]) || 1;
  const standard = (x: Float32Array, r: number, c: number): number => (x[r * width + c] - mean[c]) / std[c];
  const w = new Float64Array(width * classes);
  const b = new Float64Array(classes);
  const logits = (x: Float32Array, r: number): Float64Array => {
    const z = Float64Array.from(b);
    for (let c = 0; c < width; c++) {
      const v = standard(x, r, c);
      for (let k = 0; k < classes; k++) z[k] += v * w[c * classes + k];
    }
    return z;
  };
  for (let step = 0; step < steps; step++) {
    const gw = new Float64Array(width * classes);
    const gb = new Float64Array(classes);
    for (let r = 0; r < n; r++) {
      const z = logits(train, r);
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const total = e.reduce((s, v) => s + v, 0);
      for (let k = 0; k < classes; k++) {
        const g = (e[k] / total - (trainLabels[r] === k ? 1 : 0)) / n;
        gb[k] += g;
        for (let c = 0; c < width; c++) gw[c * classes + k] += g * standard(train, r, c);
      }
    }
    for (let i = 0; i < w.length; i++) w[i] -= lr * (gw[i] + l2 * w[i]);
    for (let k = 0; k < classes; k++) b[k] -= lr * gb[k];
  }
  return Int32Array.from({ length: test.length / width }, (_, r) => {
    const z = logits(test, r);
    return z.indexOf(Math.max(...z));
  });
}
