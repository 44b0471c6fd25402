// Child process for the kill test: saves checkpoints of a ~2 MB model to one path in a loop,
// every parameter value equal to the step, printing each finished step, until it is killed.
import { init, Module, noGrad, type Tensor } from '@smoe/tensor';
import { saveCheckpoint } from '../src/node.js';

class Big extends Module {
  config = { rows: 512, columns: 1024 };
  weight: Tensor = init.zeros([512, 1024]);
}

const path = process.argv[2];
const model = new Big();
for (let step = 1; ; step++) {
  noGrad(() => model.weight.assign(new Float32Array(512 * 1024).fill(step)));
  await saveCheckpoint(path, { step, model }, { chunkSize: 1 << 14 });
  process.stdout.write(`${step}\n`);
}
