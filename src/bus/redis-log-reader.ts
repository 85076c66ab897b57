import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.js';
import type { LogEvent } from './types.js';
import { LOG_GROUP } from './redis-keys.js';
import { parseLogEvent } from './redis-schemas.js';

/** Reads the log stream as one consumer of the Hubs' group and hands each event to `deliver`. */
export interface LogReader {
  stop(): Promise<void>;
}

export interface LogReaderOptions {
  /** A connection of its own: XREADGROUP BLOCK holds it. */
  readonly client: Redis;
  readonly stream: string;
  /** Unique per bus instance, so two Hubs never share one consumer's entries. */
  readonly consumer: string;
  readonly deliver: (event: LogEvent) => void;
  readonly log: Logger;
  readonly blockMs?: number;
}

type StreamReply = [stream: string, entries: [id: string, fields: string[]][]][] | null;

/**
 * Every Hub reads through the same consumer group, so an event reaches exactly one Hub and is
 * stored once however many Hubs run. NOACK: an event is handed over as it is read (at most
 * once), which keeps no pending list to reclaim after a Hub dies.
 */
export function startLogReader({
  client,
  stream,
  consumer,
  deliver,
  log,
  blockMs = 1000,
}: LogReaderOptions): LogReader {
  let stopped = false;

  const ensureGroup = async () => {
    try {
      // From the start of the stream: events written by Gates before the first Hub ever
      // watched are still ingested. An existing group keeps its position, so events written
      // while no Hub was running are read when one starts, and nothing is read twice.
      await client.xgroup('CREATE', stream, LOG_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!/BUSYGROUP/.test((err as Error).message)) throw err;
    }
  };

  const readOnce = async () => {
    const reply = (await client.xreadgroup(
      'GROUP',
      LOG_GROUP,
      consumer,
      'COUNT',
      200,
      'BLOCK',
      blockMs,
      'NOACK',
      'STREAMS',
      stream,
      '>',
    )) as StreamReply;
    for (const [, entries] of reply ?? []) {
      for (const [id, fields] of entries) {
        const at = fields.indexOf('e');
        const raw = at >= 0 ? fields[at + 1] : undefined;
        const event = raw === undefined ? null : parseLogEvent(raw, log, `${stream} ${id}`);
        if (event) deliver(event);
      }
    }
  };

  let lastWarning = '';
  let lastWarningAt = 0;
  const done = (async () => {
    let groupReady = false;
    while (!stopped) {
      try {
        if (!groupReady) {
          await ensureGroup();
          groupReady = true;
        }
        await readOnce();
      } catch (err) {
        if (stopped) break;
        const message = (err as Error).message;
        // The stream or group vanished (Redis restarted empty, or someone deleted it).
        if (/NOGROUP/.test(message)) groupReady = false;
        else if ((err as Error).name !== 'ReplyError') {
          log.debug({ err: message }, 'redis bus: log stream read failed; retrying');
        } else if (message !== lastWarning || Date.now() - lastWarningAt > 60_000) {
          // The key holds something else, or the ACL refuses: the operator has to act.
          log.warn({ err: message, key: stream }, `redis bus: cannot read ${stream}; retrying`);
          lastWarning = message;
          lastWarningAt = Date.now();
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      // Unblock the pending XREADGROUP at once instead of waiting out BLOCK.
      client.disconnect(false);
      await done;
    },
  };
}
