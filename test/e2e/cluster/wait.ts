/** Waiting helpers shared with the other whole-system suites. */
export { Cleanup, freePort, sleep, waitFor } from '../support/wait.js';
