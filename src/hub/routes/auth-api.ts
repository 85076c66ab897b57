import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { VERSION } from '../../shared/version.js';
import { principalOf } from '../auth/auth-hook.js';
import type { HubServices } from '../services/hub-services.js';
import {
  ChangeCredentials,
  ErrorReply,
  Health,
  Login,
  Me,
  Success,
  TokenReply,
} from './schemas.js';

/** Health, login, logout, whoami and credential changes. */
export function authApi({ auth }: HubServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/health',
      {
        config: { public: true },
        schema: {
          tags: ['system'],
          summary: 'Liveness check (no token needed)',
          security: [],
          response: { 200: Health },
        },
      },
      async () => ({ status: 'ok' as const, version: VERSION }),
    );

    app.post(
      '/api/login',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: 'Exchange credentials for a 24 h session token',
          security: [],
          body: Login,
          response: { 200: TokenReply, 401: ErrorReply, 429: ErrorReply },
        },
      },
      async (request) => auth.login(request.body.username, request.body.password, request.ip),
    );

    app.post(
      '/api/logout',
      {
        schema: {
          tags: ['auth'],
          summary: 'Revoke the token this request uses',
          response: { 200: Success },
        },
      },
      async (request) => {
        await auth.logout(principalOf(request));
        return { success: true as const };
      },
    );

    app.get(
      '/api/me',
      { schema: { tags: ['auth'], summary: 'Who the token belongs to', response: { 200: Me } } },
      async (request) => {
        const p = principalOf(request);
        return { username: p.username, expires_at: new Date(p.expiresAt).toISOString() };
      },
    );

    app.post(
      '/api/change-credentials',
      {
        schema: {
          tags: ['auth'],
          summary: "Change the current user's name and password; ends the user's earlier sessions",
          body: ChangeCredentials,
          response: { 200: Success, 409: ErrorReply },
        },
      },
      async (request) => {
        const p = principalOf(request);
        await auth.changeCredentials(
          p.userId,
          request.body.new_user,
          request.body.new_password,
          p.username,
        );
        return { success: true as const };
      },
    );
  };
}
