/**
 * Saving and restoring random generators, so a resumed run draws the same dropout masks and
 * noise as one that never stopped. The global generator (`getRng()`) is always included as
 * `global`; models with their own `Rng` pass them by name. Browser-safe.
 */
import { getRng, Rng, type RngState } from '@smoe/tensor';
import { TrainerError } from './validate.js';

/** The states of `rngs` (plus the global generator as `global`). */
export function captureRngs(rngs: Record<string, Rng> = {}): Record<string, RngState> {
  const all: Record<string, Rng> = { global: getRng(), ...rngs };
  return Object.fromEntries(Object.entries(all).map(([name, rng]) => [name, rng.state()]));
}

/**
 * Puts `state` into `rng` in place (the model and ops keep their reference to it). `Rng` has no
 * setter of its own yet, so the fields of a generator rebuilt from the state are copied over;
 * the result is checked, so a change in `Rng`'s layout fails loudly instead of silently.
 */
export function restoreRng(rng: Rng, state: RngState): void {
  const withRestore = rng as Rng & { restore?: (s: RngState) => void };
  if (typeof withRestore.restore === 'function') withRestore.restore(state);
  else Object.assign(rng, new Rng(state));
  const now = JSON.stringify(rng.state());
  if (now !== JSON.stringify(new Rng(state).state())) {
    throw new TrainerError(`restoreRng: could not restore the generator state ${JSON.stringify(state)} (got ${now})`);
  }
}

/** Restores saved states into `rngs` (plus the global generator); every generator must have a saved state. */
export function restoreRngs(saved: Record<string, RngState>, rngs: Record<string, Rng> = {}, source = 'checkpoint'): void {
  const all: Record<string, Rng> = { global: getRng(), ...rngs };
  for (const [name, rng] of Object.entries(all)) {
    const state = saved[name];
    if (!state) throw new TrainerError(`${source}: holds no state for random generator '${name}' (it has: ${Object.keys(saved).join(', ') || 'none'})`);
    restoreRng(rng, state);
  }
}
