import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../auth/auth-hook.js';
import type { HubServices } from '../services/hub-services.js';
import {
  Agent,
  AgentCreate,
  AgentUpdate,
  CascadeQuery,
  ErrorReply,
  IdParams,
  Success,
} from './schemas.js';

/** Agents (Links): list with tokens, create, read, update, delete, rotate the token. */
export function agentsApi({ agents }: HubServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/agents',
      {
        schema: {
          tags: ['agents'],
          summary: 'Every agent with its token',
          response: { 200: Type.Array(Agent) },
        },
      },
      async () => agents.list(),
    );

    app.post(
      '/api/agents',
      {
        schema: {
          tags: ['agents'],
          summary: 'Create an agent; the answer carries its token',
          body: AgentCreate,
          response: { 201: Agent, 400: ErrorReply },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await agents.create(request.body, principalOf(request).username)),
    );

    app.get(
      '/api/agents/:id',
      {
        schema: {
          tags: ['agents'],
          summary: 'One agent',
          params: IdParams,
          response: { 200: Agent, 404: ErrorReply },
        },
      },
      async (request) => agents.get(request.params.id),
    );

    app.put(
      '/api/agents/:id',
      {
        schema: {
          tags: ['agents'],
          summary: 'Change name, mode, push URL or enabled',
          params: IdParams,
          body: AgentUpdate,
          response: { 200: Agent, 400: ErrorReply, 404: ErrorReply },
        },
      },
      async (request) =>
        agents.update(request.params.id, request.body, principalOf(request).username),
    );

    app.delete(
      '/api/agents/:id',
      {
        schema: {
          tags: ['agents'],
          summary: 'Delete an agent; with routes only with ?cascade=true, which deletes them too',
          params: IdParams,
          querystring: CascadeQuery,
          response: { 200: Success, 404: ErrorReply, 409: ErrorReply },
        },
      },
      async (request) => {
        await agents.remove(
          request.params.id,
          request.query.cascade ?? false,
          principalOf(request).username,
        );
        return { success: true as const };
      },
    );

    app.post(
      '/api/agents/:id/reset-token',
      {
        schema: {
          tags: ['agents'],
          summary: "Rotate the agent's token; sessions on the old one close",
          params: IdParams,
          response: { 200: Agent, 404: ErrorReply },
        },
      },
      async (request) => agents.resetToken(request.params.id, principalOf(request).username),
    );
  };
}
