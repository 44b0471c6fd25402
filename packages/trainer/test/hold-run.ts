// Child process for the lock test: trains the tiny regressor in run folder argv[2] and, once
// step 2 is done, prints 'holding' and waits (holding the folder's lock) until it is killed.
import { SGD, train } from '../src/node.js';
import { RegressionData, TinyRegressor } from './tiny-model.js';

await train(new TinyRegressor(), new RegressionData(), {
  optimizer: new SGD({ lr: 0.01 }),
  steps: 10,
  checkpointEvery: 1,
  out: process.argv[2],
  progress: false,
  log: () => undefined,
  onStep: async ({ step }) => {
    if (step < 2) return;
    process.stdout.write('holding\n');
    await new Promise(() => setInterval(() => undefined, 1000));
  },
});
