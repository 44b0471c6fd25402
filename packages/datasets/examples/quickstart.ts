// Quick tour of @smoe/datasets. Run from the repo root:
//   node --conditions=@smoe/source --import tsx packages/datasets/examples/quickstart.ts
import {
  byteTokenizer,
  classificationBatches,
  corruptImages,
  corruptText,
  imageBatches,
  lmBatches,
  mnist,
  mobyDick,
  patchify,
  spamAssassin,
  spamAssassinBalance,
  trainBpe,
  BpeTokenizer,
} from '@smoe/datasets/node';

// Language modelling: byte tokens, random windows for training, sequential for evaluation.
const tokenizer = byteTokenizer();
const train = lmBatches(tokenizer.encode(mobyDick('train')), { context: 128, batch: 16, seed: 1 });
const first = train.next().value!;
console.log('LM batch', first.inputs.length, 'inputs; first window:', JSON.stringify(tokenizer.decode(first.inputs.subarray(0, 40))));
const saved = JSON.stringify(train.state()); // checkpoint the data position with the model
const evaluation = [...lmBatches(tokenizer.encode(mobyDick('validation')), { context: 128, batch: 16, mode: 'sequential' })];
console.log('validation batches', evaluation.length, 'saved position', saved);

// A small BPE, saved and loaded as JSON.
const bpe = trainBpe(mobyDick('train').slice(0, 200_000), { vocabSize: 512 });
const reloaded = BpeTokenizer.fromJSON(JSON.stringify(bpe));
console.log('BPE ids for "Call me Ishmael."', Array.from(reloaded.encode('Call me Ishmael.')));

// Fine-tuning: SpamAssassin without headers, padded batches with masks.
const spam = spamAssassin('train', { stripHeaders: true });
const ids = spam.texts.map((text) => tokenizer.encode(text));
const batch = classificationBatches(ids, spam.labels, { batch: 32, maxLength: 256, pad: tokenizer.pad, seed: 1 }).next().value!;
console.log('spam batch', batch.inputs.length, 'ids, labels', Array.from(batch.labels).join(''));
console.log('balance', spamAssassinBalance().train.classes);

// Vision: MNIST, 7 × 7 patches, and a corrupted copy for robustness evaluation.
const test = mnist('test');
const images = imageBatches(test.images, test.labels, { batch: 64, seed: 1 }).next().value!;
const patches = patchify(images.images, { count: 64, height: 28, width: 28, patch: 7 }); // [64, 16, 49]
const noisy = corruptImages(images.images, { count: 64, height: 28, width: 28 }, 'gaussian-noise', 3, 1);
console.log('patches', patches.length, 'noisy mean', noisy.reduce((a, b) => a + b, 0) / noisy.length);
console.log(corruptText('Call me Ishmael. Some years ago', 'keyboard', 5, 1));
