import { startBackends } from './backend.js';

// Child process entry: the bench backend runs apart from the load clients so neither steals
// the other's event loop. Prints its ports as one JSON line, then serves until killed.
const count = Number(process.argv[2] ?? '1');
const { ports } = await startBackends(count);
process.stdout.write(`${JSON.stringify({ ports })}\n`);
