import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { filterNativeNoise, isNativeNoise } from '../src/native-noise.js';

it('turns the native WebGPU lines into one line of ours, said once, and passes everything else through at once', async () => {
  const input = new PassThrough();
  const written: string[] = [];
  const done = filterNativeNoise(input, { write: (text: string) => void written.push(text) });
  const dawn = 'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.\n';
  input.write(dawn.slice(0, 20)); // a native line split across chunks
  input.write(dawn.slice(20) + dawn.replace('Uniform', 'Storage'));
  input.write('\r\x1b[2Ktrain [███░] 3/4'); // a progress bar redrawn in place: no newline, must show now
  await new Promise((resolve) => setImmediate(resolve));
  expect(written).toEqual(['webgpu: a software adapter; Dawn lowered some limits (SMOE_DEBUG=1 shows its messages)\n', '\r\x1b[2Ktrain [███░] 3/4']);
  input.write(' 75%\nWarning: vkCreateInstance: Found no drivers!\n    at CheckVkSuccessImpl (/x/third_party/dawn/src/dawn/native/vulkan/VulkanError.cpp:106)\nerror: a real error\n');
  input.end();
  await done;
  expect(written.slice(2)).toEqual([' 75%\n', 'error: a real error\n']);
  expect(isNativeNoise('(node:12) Warning: a Node warning')).toBe(false);
  expect(isNativeNoise('warning: training is diverging')).toBe(false);
});
