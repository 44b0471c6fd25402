#!/usr/bin/env node
/**
 * smoe demo: `pnpm demo <command> [options]`.
 *   pretrain   train a MoE LM (text) or ViT (images) — with no command or flags, the embedded default
 *   finetune   fine-tune a pre-trained model (SpamAssassin, or a second vision task)
 *   eval       clean and corrupted metrics of a checkpoint
 *   compare    several routers on the same data, seed and budget, as a markdown table
 *   report     an HTML report of a run folder (loss curves, expert load, routing map)
 *   export     a run's model as a Transformers checkpoint folder (Mixtral / Qwen2-MoE / OLMoE)
 */
import { spawn } from 'node:child_process';
import { failure, runCommand } from './main.js';
import { filterNativeNoise } from './native-noise.js';

/** Marks the child the CLI runs behind its stderr filter. */
const FILTERED_CHILD = 'SMOE_DEMO_FILTERED';

/** Whether the command may touch WebGPU (the auto backend probes it), so Dawn's stderr lines need filtering. */
function mayTouchWebGPU(argv: string[]): boolean {
  if (argv.includes('--help') || argv.includes('-h') || argv[0] === 'report' || argv[0] === 'help') return false;
  const at = argv.findIndex((a) => a === '--backend' || a.startsWith('--backend='));
  const backend = at < 0 ? process.env.SMOE_BACKEND || 'auto' : argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1];
  return backend === 'auto' || backend === 'webgpu';
}

/** Runs this CLI again as a child whose stderr goes through `filterNativeNoise`; resolves with its exit code. */
function runFiltered(argv: string[]): Promise<number> {
  const columns = process.stderr.isTTY ? { SMOE_STDERR_COLUMNS: String(process.stderr.columns || 80) } : {};
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...argv], { stdio: ['inherit', 'inherit', 'pipe'], env: { ...process.env, [FILTERED_CHILD]: '1', ...columns } });
  // Ctrl-C reaches the child from the terminal; a SIGTERM sent to this process is passed on.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const copied = filterNativeNoise(child.stderr, process.stderr);
  return new Promise((resolve) => child.on('close', (code, signal) => void copied.then(() => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)))));
}

const argv = process.argv.slice(2);
const filter = !process.env[FILTERED_CHILD] && !process.env.SMOE_DEBUG && mayTouchWebGPU(argv);
(filter ? runFiltered(argv) : runCommand(argv)).then(
  (code) => {
    process.exitCode = code; // no process.exit: the process ends by itself (a WebGPU device is released when idle)
  },
  (error: unknown) => {
    const { code, message } = failure(error);
    process.stderr.write(`error: ${message}\n`);
    if (code !== 2 && process.env.SMOE_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    process.exit(code);
  },
);
