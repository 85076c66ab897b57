import { defineError } from '../shared/errors.js';

/** The Redis URL is not a `redis://` or `rediss://` URL. */
export const BUS_ERR_BAD_URL = defineError('BUS_ERR_BAD_URL');
/** The bus was used after close(). */
export const BUS_ERR_CLOSED = defineError('BUS_ERR_CLOSED');
