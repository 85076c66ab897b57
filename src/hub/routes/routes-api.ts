import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf } from '../auth/auth-hook.js';
import type { HubServices } from '../services/hub-services.js';
import { ErrorReply, IdParams, Route, RouteCreate, RouteUpdate, Success } from './schemas.js';
import { Type } from '@sinclair/typebox';

/** Routes (traffic rules): list, create, read, update, delete. */
export function routesApi({ routes }: HubServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/routes',
      {
        schema: {
          tags: ['routes'],
          summary: 'Every route, oldest first',
          response: {
            200: Type.Array(Route),
            304: Type.Null({ description: 'Unchanged since the ETag sent in If-None-Match' }),
          },
        },
      },
      async (request, reply) => {
        // Pre-serialized and cached per config version (a Buffer is sent as is); the version is
        // also the ETag, so a polling panel gets 304 until something changes.
        // The version was read with the token check a moment ago: no second round trip.
        const { version, body } = await routes.listJson(request.principal?.configVersion);
        const etag = `W/"config-${version}"`;
        void reply.header('etag', etag).header('cache-control', 'no-cache');
        // A 304 has no body at all: not even the `null` its schema documents.
        if (request.headers['if-none-match'] === etag)
          return reply.code(304).send(undefined as never);
        const bytes: unknown = body;
        return reply.type('application/json; charset=utf-8').send(bytes as never);
      },
    );

    app.post(
      '/api/routes',
      {
        schema: {
          tags: ['routes'],
          summary: 'Create a route',
          body: RouteCreate,
          response: { 201: Route, 400: ErrorReply, 409: ErrorReply },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await routes.create(request.body, principalOf(request).username)),
    );

    app.get(
      '/api/routes/:id',
      {
        schema: {
          tags: ['routes'],
          summary: 'One route',
          params: IdParams,
          response: { 200: Route, 404: ErrorReply },
        },
      },
      async (request) => routes.get(request.params.id),
    );

    app.put(
      '/api/routes/:id',
      {
        schema: {
          tags: ['routes'],
          summary: 'Change some fields of a route',
          params: IdParams,
          body: RouteUpdate,
          response: { 200: Route, 400: ErrorReply, 404: ErrorReply, 409: ErrorReply },
        },
      },
      async (request) =>
        routes.update(request.params.id, request.body, principalOf(request).username),
    );

    app.delete(
      '/api/routes/:id',
      {
        schema: {
          tags: ['routes'],
          summary: 'Delete a route',
          params: IdParams,
          response: { 200: Success, 404: ErrorReply },
        },
      },
      async (request) => {
        await routes.remove(request.params.id, principalOf(request).username);
        return { success: true as const };
      },
    );
  };
}
