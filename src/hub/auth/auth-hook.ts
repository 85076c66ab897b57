import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HubErrors } from '../errors.js';
import type { AuthService, Principal } from './auth-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts as; set on every authenticated route. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The route needs no token. */
    public?: boolean;
  }
}

/** The bearer token of a request, or undefined. */
function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Require a valid token on every `/api` route not marked `config: { public: true }`. */
export function installAuthHook(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (
      request.routeOptions.config.public ||
      !url?.startsWith('/api/') ||
      url.startsWith('/api/docs')
    )
      return;
    const token = bearer(request);
    if (!token) throw HubErrors.HUB_ERR_UNAUTHORIZED('missing bearer token');
    request.principal = await auth.authenticate(token);
  });
}

/** The principal of an authenticated request. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw HubErrors.HUB_ERR_UNAUTHORIZED('not authenticated');
  return request.principal;
}
