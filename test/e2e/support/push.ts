/** Pushes to a Link's push listener, signed as docs/link.md describes (HMAC-SHA256 keyed by the agent token). */
import { createHmac } from 'node:crypto';

/** The headers of a push of `body` signed with `token` at `timestamp` (ms). */
export function signedHeaders(
  token: string,
  body: string,
  timestamp = Date.now(),
): Record<string, string> {
  const ts = String(timestamp);
  const mac = createHmac('sha256', token).update(`${ts}.${body}`, 'utf8').digest('hex');
  return {
    'content-type': 'application/json',
    'x-gatelink-timestamp': ts,
    'x-gatelink-signature': `v1=${mac}`,
  };
}

/** POST `body` to `url` with `headers`; the status and parsed JSON answer. */
export async function postPush(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{
  status: number;
  body: { code?: string; ok?: boolean; applied?: boolean; version?: number };
}> {
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, body: (await res.json()) as { code?: string } };
}

/** One push the Hub sent, as it went over the wire, and what the Link answered. */
export interface RecordedPush {
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly status: number;
}

/**
 * An HTTP hop between the Hub and a Link that records every push and forwards it unchanged:
 * point an agent's push_url at `url`.
 */
export async function startPushRecorder(
  linkUrl: string,
): Promise<{ url: string; pushes: RecordedPush[]; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const pushes: RecordedPush[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'x-gatelink-timestamp', 'x-gatelink-signature']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      fetch(linkUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) }).then(
        async (answer) => {
          const text = await answer.text();
          pushes.push({ headers, body, status: answer.status });
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(text);
        },
        () => {
          res.writeHead(502);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hop`,
    pushes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
