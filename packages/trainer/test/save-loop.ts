// Child process for the kill test: saves checkpoints of a ~2 MB model to one path in a loop,
// every parameter value equal to the step, printing each finished step. The save of step
// argv[3] stops halfway through its temporary file: it prints
// `writing <step> <temporary file name> <bytes written>` and waits there, mid-write, to be killed.
import { readdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { init, Module, noGrad, type Tensor } from '@smoe/tensor';
import { isTemporaryFile, saveCheckpoint, writeWholeChunk, type ChunkWriter } from '../src/node.js';

class Big extends Module {
  config = { rows: 512, columns: 1024 };
  weight: Tensor = init.zeros([512, 1024]);
}

const path = process.argv[2];
const stallAt = Number(process.argv[3]);
const model = new Big();
for (let step = 1; ; step++) {
  noGrad(() => model.weight.assign(new Float32Array(512 * 1024).fill(step)));
  let chunks = 0;
  const writeChunk: ChunkWriter = async (handle, chunk, position) => {
    await writeWholeChunk(handle, chunk, position);
    // 64 chunks of 16 KiB: 1 MiB of the ~2 MiB file is on disk, the rest is not.
    if (step !== stallAt || ++chunks !== 64) return;
    const temporary = (await readdir(dirname(path))).filter((name) => isTemporaryFile(name) && name.startsWith(`${basename(path)}.tmp-`));
    process.stdout.write(`writing ${step} ${temporary.join(',')} ${position + chunk.length}\n`);
    await new Promise((resolve) => setTimeout(resolve, 120_000));
  };
  await saveCheckpoint(path, { step, model }, { chunkSize: 1 << 14, writeChunk });
  process.stdout.write(`${step}\n`);
}
