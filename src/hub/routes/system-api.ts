import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { listLogs } from '../db/logs-queries.js';
import type { HubServices } from '../services/hub-services.js';
import { Gate, LogEntry, LogsQuery, Stats } from './schemas.js';

/** Most log entries one request returns. */
export const MAX_LOG_LIMIT = 1000;

/** Gates, logs, statistics and the Prometheus metrics. */
export function systemApi({ db, runtime }: HubServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/gates',
      {
        schema: {
          tags: ['gates'],
          summary: 'Every known Gate, online first',
          response: { 200: Type.Array(Gate) },
        },
      },
      async () => runtime.gates(),
    );

    app.get(
      '/api/logs',
      {
        schema: {
          tags: ['system'],
          summary: 'Log entries, newest first (limit default 100, capped at 1000)',
          querystring: LogsQuery,
          response: { 200: Type.Array(LogEntry) },
        },
      },
      async (request) =>
        listLogs(db, {
          limit: Math.min(request.query.limit ?? 100, MAX_LOG_LIMIT),
          level: request.query.level,
          source: request.query.source,
          afterId: request.query.after_id,
        }),
    );

    app.get(
      '/api/stats',
      {
        schema: {
          tags: ['system'],
          summary: 'Counters, per route/agent/Gate, and the last hour',
          response: { 200: Stats },
        },
      },
      async () => runtime.stats(),
    );

    // Prometheus text, without a token so scrapers need no secret: firewall it.
    app.get(
      '/metrics',
      { config: { public: true }, schema: { hide: true } },
      async (_request, reply) => {
        const text = await runtime.metrics.metrics();
        return reply.type(runtime.metrics.contentType).send(text);
      },
    );
  };
}
