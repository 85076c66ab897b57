import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatelinkError } from '../shared/errors.js';
import { HubValidationError } from './errors.js';

interface ErrorBody {
  error: string;
  code: string;
  field?: string;
}

// Fastify's own errors, mapped to the Hub's codes.
const FASTIFY_CODES: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'HUB_ERR_BAD_JSON',
    message: 'the request body is not valid JSON',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'HUB_ERR_BAD_JSON',
    message: 'the request body is empty',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'HUB_ERR_TOO_LARGE',
    message: 'the request body is too large',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'HUB_ERR_UNSUPPORTED_MEDIA',
    message: 'send the body as application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'HUB_ERR_VALIDATION',
    message: 'the Content-Length does not match the body',
  },
};

/** The field one Ajv error is about (`domain`, `new_user`, …). */
function fieldOf(err: FastifyError): string | undefined {
  const first = err.validation?.[0];
  if (!first) return undefined;
  const missing = (first.params as { missingProperty?: unknown }).missingProperty;
  const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (typeof missing === 'string') return path ? `${path}.${missing}` : missing;
  return path || undefined;
}

function validationBody(err: FastifyError): ErrorBody {
  const field = fieldOf(err);
  const first = err.validation?.[0];
  const part = err.validationContext ?? 'body';
  if (!field && part === 'body' && first?.keyword === 'type') {
    return {
      error: 'the request needs a JSON object body (Content-Type: application/json)',
      code: 'HUB_ERR_VALIDATION',
    };
  }
  const message = first?.message ?? 'is invalid';
  const error = field
    ? first?.keyword === 'required'
      ? `${field} is required`
      : `${field} ${message}`
    : `${part} ${message}`;
  return field
    ? { error, code: 'HUB_ERR_VALIDATION', field }
    : { error, code: 'HUB_ERR_VALIDATION' };
}

/** Every error leaves as `{ error, code }` (plus `field`), never with a stack trace. */
export function installErrorHandler(
  app: FastifyInstance,
  /** Serves the dashboard's index.html for a GET outside /api; true when it answered. */
  spaFallback?: (request: FastifyRequest, reply: FastifyReply) => boolean,
): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof GatelinkError && err.status) {
      const body: ErrorBody = { error: err.message, code: err.code };
      if (err instanceof HubValidationError) body.field = err.field;
      const retry = (err as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (retry !== undefined) void reply.header('retry-after', String(retry));
      return reply.code(err.status).send(body);
    }
    if (err.validation) return reply.code(400).send(validationBody(err));
    const known = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (known) return reply.code(known.status).send({ error: known.message, code: known.code });
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.message, code: 'HUB_ERR_VALIDATION' });
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal error', code: 'HUB_ERR_INTERNAL' });
  });

  app.setNotFoundHandler((request, reply) => {
    if (spaFallback?.(request, reply)) return;
    void reply.code(404).send({
      error: `no such endpoint: ${request.method} ${request.url.split('?')[0]}`,
      code: 'HUB_ERR_NOT_FOUND',
    });
  });
}
