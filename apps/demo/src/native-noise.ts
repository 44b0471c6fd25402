/**
 * The native WebGPU binding (Dawn) and the Vulkan loader write warnings straight to the
 * process's stderr — "…artificially reduced…" on a software adapter, a Vulkan-not-found stack
 * trace on machines without a driver — on every run that touches WebGPU. Node cannot filter
 * its own file descriptor, so the CLI runs the command in a child whose stderr passes through
 * `filterNativeNoise`: those lines become one line of ours, said once; everything else
 * (progress bars redrawn with \r included) passes through at once.
 */
import type { Readable } from 'node:stream';

/** True for a line Dawn or the Vulkan loader wrote (`Warning: …`, or a frame of Dawn's stack). */
export function isNativeNoise(line: string): boolean {
  return /^Warning: /.test(line) || /^\s+at \S+ \(.*(dawn|third_party)/.test(line);
}

/** Our one line for what the native lines said. */
function summarise(first: string): string {
  return /vkCreateInstance|loader_|Vulkan/i.test(first)
    ? 'webgpu: no Vulkan driver found, so no WebGPU here (SMOE_DEBUG=1 shows the driver messages)'
    : 'webgpu: a software adapter; Dawn lowered some limits (SMOE_DEBUG=1 shows its messages)';
}

/** A line start that may still turn out to be native noise once the rest of the line arrives. */
function undecided(start: string): boolean {
  return 'Warning: '.startsWith(start) || start.startsWith('Warning: ') || /^\s*$/.test(start) || /^\s+at\b/.test(start) || /^\s+a?$/.test(start);
}

/** Copies `input` to `output` line by line, replacing native noise with one line of ours (once). */
export function filterNativeNoise(input: Readable, output: { write(text: string): unknown }): Promise<void> {
  let pending = '';
  let passing = false; // the current line has started to pass through
  let said = false;
  const line = (text: string): void => {
    if (passing || !isNativeNoise(text)) output.write(`${text}\n`);
    else if (!said) {
      output.write(`${summarise(text)}\n`);
      said = true;
    }
    passing = false;
  };
  input.setEncoding('utf8');
  input.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const text of lines) line(text);
    if (pending !== '' && (passing || !undecided(pending))) {
      output.write(pending);
      passing = true;
      pending = '';
    }
  });
  return new Promise((resolve) =>
    input.on('end', () => {
      if (pending !== '') output.write(passing || !isNativeNoise(pending) ? pending : '');
      resolve();
    }),
  );
}
