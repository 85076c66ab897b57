import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../auth/auth-hook.js';
import type { HubServices } from '../services/hub-services.js';
import {
  ApiToken,
  ApiTokenCreated,
  ErrorReply,
  IdParams,
  Success,
  TokenCreate,
} from './schemas.js';

/** Long-lived API tokens: list, create, revoke. */
export function tokensApi({ auth }: HubServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/tokens',
      {
        schema: {
          tags: ['auth'],
          summary: 'Unexpired long-lived API tokens (never the token itself)',
          response: { 200: Type.Array(ApiToken) },
        },
      },
      async () => auth.listApiTokens(),
    );

    app.post(
      '/api/tokens',
      {
        // The body is optional: no body means the default label.
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          tags: ['auth'],
          summary: 'Create a one-year API token for the current user; the token is shown once',
          body: TokenCreate,
          response: { 201: ApiTokenCreated },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        return reply
          .code(201)
          .send(await auth.createApiToken(p.userId, request.body.label ?? 'api', p.username));
      },
    );

    app.delete(
      '/api/tokens/:id',
      {
        schema: {
          tags: ['auth'],
          summary: 'Revoke an API token',
          params: IdParams,
          response: { 200: Success, 404: ErrorReply },
        },
      },
      async (request) => {
        await auth.deleteApiToken(request.params.id, principalOf(request).username);
        return { success: true as const };
      },
    );
  };
}
