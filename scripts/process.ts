/**
 * Running a child process without blocking the caller's event loop (a test worker must keep
 * answering its runner while an install or an example runs for minutes).
 */
import { spawn, type SpawnOptions } from 'node:child_process';

/** How a child process ended: its exit status or the signal that ended it, and its output. */
export interface ProcessResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  /** True when it was killed for running past `timeout`. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Runs `command args` to its end, or kills it (SIGKILL) after `timeout` ms. */
export function runProcess(command: string, args: readonly string[], options: SpawnOptions & { timeout?: number } = {}): Promise<ProcessResult> {
  const { timeout, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = timeout === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${command}: could not start (${error.message})`));
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, timedOut, stdout, stderr });
    });
  });
}

/** Runs `command args` and returns its stdout; throws with its stderr when it fails. */
export async function runChecked(command: string, args: readonly string[], options: SpawnOptions & { timeout?: number } = {}): Promise<string> {
  const result = await runProcess(command, args, options);
  if (result.status !== 0) {
    const how = result.timedOut ? `ran past ${options.timeout} ms` : result.signal ? `was killed by ${result.signal}` : `exited with ${result.status}`;
    throw new Error(`'${command} ${args.join(' ')}' ${how}:\n${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}
