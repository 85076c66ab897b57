/** Remove what a test wrote under its own prefix on the shared Redis (never anything else). */
import { Redis } from 'ioredis';

/** Delete every key starting with `prefix`; the prefix must be a test's own. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  if (!prefix.startsWith('test-')) throw new Error(`refusing to delete keys under "${prefix}"`);
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
