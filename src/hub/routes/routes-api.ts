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
          response: { 200: Type.Array(Route) },
        },
      },
      async (_request, reply) => {
        // Pre-serialized and cached per config version: a Buffer is sent as is.
        const body: unknown = await routes.listJson();
        return reply.type('application/json; charset=utf-8').send(body as never);
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
