import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Logger } from '../shared/logger.js';
import { VERSION } from '../shared/version.js';
import { installAuthHook } from './auth/auth-hook.js';
import { installErrorHandler } from './error-handler.js';
import { agentsApi } from './routes/agents-api.js';
import { authApi } from './routes/auth-api.js';
import { routesApi } from './routes/routes-api.js';
import { systemApi } from './routes/system-api.js';
import { tokensApi } from './routes/tokens-api.js';
import type { HubServices } from './services/hub-services.js';

/** The dashboard directory when it holds a build, else undefined. */
function dashboardRoot(webRoot: string | undefined): string | undefined {
  if (!webRoot) return undefined;
  const root = resolve(webRoot);
  return existsSync(join(root, 'index.html')) ? root : undefined;
}

/** The Hub's HTTP application: API, OpenAPI document and reference, metrics, dashboard. */
export async function buildApp({
  services,
  log,
  bodyLimit,
  webRoot,
  trustProxy = [],
}: {
  services: HubServices;
  log: Logger;
  bodyLimit: number;
  webRoot: string | undefined;
  trustProxy?: readonly string[];
}): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // One line per request would drown the log at panel polling rates; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    return503OnClosing: true,
    ...(trustProxy.length > 0 ? { trustProxy: [...trustProxy] } : {}),
  });

  // JSON only: text/plain and everything else answer 415. An empty JSON body counts as no body,
  // so POSTs that take none (logout, reset-token) work whatever headers a client sends.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) done(null, undefined);
    else parseJson(request, body as string, done);
  });

  const root = dashboardRoot(webRoot);
  installErrorHandler(app, (request, reply) => {
    if (
      !root ||
      request.method !== 'GET' ||
      request.url === '/api' ||
      request.url.startsWith('/api/')
    )
      return false;
    void reply.code(200).sendFile('index.html');
    return true;
  });
  installAuthHook(app, services.auth);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Gatelink Hub API',
        version: VERSION,
        description:
          'Manage routes, agents (Links), Gates, logs and statistics of a Gatelink network.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearerAuth: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  await app.register(authApi(services));
  await app.register(routesApi(services));
  await app.register(agentsApi(services));
  await app.register(tokensApi(services));
  await app.register(systemApi(services));

  if (root) await app.register(fastifyStatic, { root, wildcard: true, index: 'index.html' });
  return app;
}
