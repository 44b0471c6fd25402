/**
 * What every quantizer (Codebook, ResidualVQ, ProductVQ, FSQ) returns, and the interface they share.
 */
import type { Tensor } from '@smoe/tensor';

/** Options of one `quantize` call. */
export interface QuantizeOptions {
  /** Update state (k-means init, restarts, EMA, running usage). Default: the module's `training` flag. */
  training?: boolean;
}

/** What a quantizer returns. */
export interface QuantizeResult {
  /** [N, D] straight-through q̃ (differentiable to x per the estimator). */
  quantized: Tensor;
  /** int32 [N] code of each input ([N, parts] for residual and product quantizers). */
  codes: Tensor;
  /** Host copy of `codes`, row-major. */
  codeIndex: Int32Array;
  /** [N, D] the code vectors q themselves (differentiable to the codebook when it learns by gradient). */
  codewords: Tensor;
  /** Scalar: codebookLoss + commitmentWeight·commitmentLoss (codebookLoss omitted with EMA). */
  loss: Tensor;
  /** Scalar ‖sg[x] − q‖² (mean over elements). */
  codebookLoss: Tensor;
  /** Scalar ‖x − sg[q]‖² (mean over elements), unweighted. */
  commitmentLoss: Tensor;
  /** Perplexity of this batch's code assignments. */
  perplexity: number;
  /** Fraction of codes dead in the running usage (after this batch when training). */
  deadFraction: number;
  /** Codes restarted by this call. */
  restartedCodes: number;
}

/** Anything that quantizes [N, D] inputs. */
export interface Quantizer {
  quantize(x: Tensor, options?: QuantizeOptions): Promise<QuantizeResult>;
}
