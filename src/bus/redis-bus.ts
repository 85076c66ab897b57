import type { Bus } from './bus.js';
import type { Logger } from '../shared/logger.js';

export interface RedisBusOptions {
  readonly url: string;
  readonly prefix: string;
  readonly log: Logger;
}

/** Placeholder: the Redis driver is being written. */
export async function createRedisBus(_options: RedisBusOptions): Promise<Bus> {
  throw new Error('redis bus: not implemented');
}
