/**
 * The messages between the page and the training worker. The worker trains one run at a time;
 * between steps it answers stop, sample and checkpoint requests, so the page never waits on a
 * whole run and never freezes.
 */
import type { RoutingMap, StepRecord } from './training.js';
import type { WebSettings } from './settings.js';

/** Page → worker. */
export type ToWorker =
  | { type: 'train'; settings: WebSettings }
  | { type: 'stop' }
  | { type: 'sample'; prompt: string; length: number; temperature: number }
  | { type: 'checkpoint' };

/** Worker → page. */
export type FromWorker =
  | { type: 'started'; backend: string; parameters: number; steps: number; sampleText: string }
  | { type: 'step'; record: StepRecord }
  | { type: 'routing'; step: number; map: RoutingMap }
  /** stopRequestedAt: the steps done when a stop request arrived (absent when none did). */
  | { type: 'done'; reason: 'finished' | 'stopped'; step: number; stopRequestedAt?: number; seconds: number; tokensPerSecond: number }
  | { type: 'sample'; text: string }
  | { type: 'checkpoint'; bytes: Uint8Array; fileName: string }
  | { type: 'error'; message: string };
