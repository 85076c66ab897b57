import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { LinkView } from '../bus/types.js';
import {
  PUSH_MAX_SKEW_MS,
  PUSH_SIGNATURE_HEADER,
  PUSH_TIMESTAMP_HEADER,
  verifyPush,
} from '../protocol/push-signature.js';
import type { Logger } from '../shared/logger.js';
import { checkLinkView } from './view-check.js';
import type { ViewSource } from './view-source.js';

/** A pushed view is small; anything bigger is not from the Hub. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Where the push listener listens and the key it checks signatures with. */
export interface PushListenerOptions {
  /** The agent token: the HMAC key of every push. Never logged. */
  readonly token: string;
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly log: Logger;
}

/** The push-mode view source: an HTTP listener for the Hub's signed pushes. */
export interface PushListener extends ViewSource {
  /** Where it listens, once started. */
  address(): { host: string; port: number } | null;
}

type Answer = { status: number; body: Record<string, unknown> };

const refuse = (status: number, code: string, error: string): Answer => ({
  status,
  body: { error, code },
});

/**
 * Accept `POST` of a LinkView signed with the agent token; refuse unsigned, stale and forged
 * pushes (401), replays of a signature already accepted (409) and malformed bodies (400).
 * A view older than the current one is acknowledged but not applied.
 */
export function createPushListener({ token, host, port, log }: PushListenerOptions): PushListener {
  let current: LinkView | null = null;
  let deliver: ((view: LinkView) => void) | null = null;
  // Accepted signatures until they are too old to pass the freshness check anyway.
  const seen = new Map<string, number>();

  const handle = (req: IncomingMessage, body: string): Answer => {
    const timestamp = req.headers[PUSH_TIMESTAMP_HEADER];
    const signature = req.headers[PUSH_SIGNATURE_HEADER];
    const check = verifyPush(
      token,
      typeof timestamp === 'string' ? timestamp : undefined,
      typeof signature === 'string' ? signature : undefined,
      body,
    );
    if (!check.ok) {
      log.warn({ remote: req.socket.remoteAddress, reason: check.reason }, 'push refused');
      const codes = {
        unsigned: 'LINK_ERR_PUSH_UNSIGNED',
        stale: 'LINK_ERR_PUSH_STALE',
        'bad-signature': 'LINK_ERR_PUSH_BAD_SIGNATURE',
      };
      return refuse(401, codes[check.reason], `push refused: ${check.reason}`);
    }
    const now = Date.now();
    for (const [sig, expires] of seen) if (expires <= now) seen.delete(sig);
    if (seen.has(signature as string)) {
      log.warn({ remote: req.socket.remoteAddress }, 'push refused: replayed');
      return refuse(409, 'LINK_ERR_PUSH_REPLAYED', 'push refused: this push was already received');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return refuse(400, 'LINK_ERR_PUSH_MALFORMED', 'push body is not JSON');
    }
    const view = checkLinkView(parsed);
    if (!view) return refuse(400, 'LINK_ERR_PUSH_MALFORMED', 'push body is not a link view');
    seen.set(signature as string, now + 2 * PUSH_MAX_SKEW_MS);
    if (current && view.version < current.version) {
      return { status: 200, body: { ok: true, version: current.version, applied: false } };
    }
    current = view;
    deliver?.(view);
    return { status: 200, body: { ok: true, version: view.version, applied: true } };
  };

  const reply = (res: ServerResponse, { status, body }: Answer) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return reply(res, refuse(405, 'LINK_ERR_PUSH_METHOD', 'only POST is accepted'));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reply(res, refuse(413, 'LINK_ERR_PUSH_TOO_LARGE', 'push body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (size <= MAX_BODY_BYTES) reply(res, handle(req, Buffer.concat(chunks).toString('utf8')));
    });
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;

  return {
    start(listener) {
      deliver = listener;
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          log.info({ address: server.address() }, 'push listener ready');
          resolve();
        });
      });
    },
    address() {
      const a = server.address();
      return a && typeof a === 'object' ? { host: a.address, port: a.port } : null;
    },
    close() {
      deliver = null;
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
