/**
 * Building an optimizer from a plain config (`{ name: 'adamw', lr: 3e-4 }`), for CLIs and JSON
 * run files. `train()` accepts either this or an instance. Browser-safe.
 */
import { Adam, type AdamOptions } from './adam.js';
import { AdamW, type AdamWOptions } from './adamw.js';
import { Optimizer } from './optimizer.js';
import { SGD, type SGDOptions } from './sgd.js';
import { invalid } from './validate.js';

/** An optimizer described by name and options. */
export type OptimizerConfig = ({ name: 'adamw' } & AdamWOptions) | ({ name: 'adam' } & AdamOptions) | ({ name: 'sgd' } & SGDOptions);

/** An instance, or a new one built from a config. */
export function createOptimizer(config: Optimizer | OptimizerConfig): Optimizer {
  if (config instanceof Optimizer) return config;
  if (typeof config !== 'object' || config === null) invalid('createOptimizer', 'optimizer', config, "an Optimizer or { name: 'adamw' | 'adam' | 'sgd', ... }");
  const { name, ...options } = config;
  switch (name) {
    case 'adamw':
      return new AdamW(options);
    case 'adam':
      return new Adam(options);
    case 'sgd':
      return new SGD(options);
    default:
      return invalid('createOptimizer', 'name', name, "'adamw' | 'adam' | 'sgd'");
  }
}
