/**
 * The client of bench/pytorch_reference.py: starts the PyTorch worker (Debian's python3-torch
 * under /usr/bin/python3, or SMOE_BENCH_PYTHON), sends it one workload, and times rounds of
 * steps on it, so that a bench can alternate smoe rounds and PyTorch rounds in one sitting.
 * `startPytorch` returns `{ missing: reason }` when PyTorch is not installed.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The interpreter that has torch: Debian's, not a pyenv shim on PATH. */
export const pythonPath = process.env.SMOE_BENCH_PYTHON ?? '/usr/bin/python3';
const script = fileURLToPath(new URL('./pytorch_reference.py', import.meta.url));

/** A workload of pytorch_reference.py: the LM (`lm`) or one MoE layer (`moeLayer`) with its sizes. */
export type PytorchWorkload = { workload: 'lm' | 'moeLayer' } & Record<string, number | string>;

/** A running PyTorch worker holding one workload. */
export interface PytorchWorker {
  /** torch version and intra-op threads. */
  readonly torch: string;
  readonly threads: number;
  /** Runs `steps` training steps; returns their wall time in seconds (measured inside Python) and the last loss. */
  run(steps: number): Promise<{ seconds: number; loss: number }>;
  /** Ends the worker. */
  close(): void;
}

/** Why PyTorch cannot run here, or null when it can. */
export function pytorchMissing(): string | null {
  const probe = spawnSync(pythonPath, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error) return `${pythonPath} not found (${probe.error.message})`;
  if (probe.status !== 0) return `${pythonPath} cannot import torch: ${probe.stderr.trim().split('\n').at(-1)} — run bench/setup.sh`;
  return null;
}

/** Starts a worker on `workload`, or says why PyTorch cannot run here. */
export async function startPytorch(workload: PytorchWorkload): Promise<PytorchWorker | { missing: string }> {
  const missing = pytorchMissing();
  if (missing) return { missing };
  const child: ChildProcessWithoutNullStreams = spawn(pythonPath, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async <T>(command: object): Promise<T> => {
    child.stdin.write(`${JSON.stringify(command)}\n`);
    const next = await lines.next();
    if (next.done) throw new Error(`pytorch_reference.py exited (code ${child.exitCode}): ${stderr.trim()}`);
    return JSON.parse(next.value) as T;
  };
  const ready = await ask<{ torch: string; threads: number }>(workload);
  return {
    torch: ready.torch,
    threads: ready.threads,
    run: (steps) => ask({ steps }),
    close: () => {
      child.stdin.end(`${JSON.stringify({ quit: true })}\n`);
    },
  };
}
