import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Bus } from '../bus/bus.js';
import type { Logger } from '../shared/logger.js';
import { buildApp } from './app.js';
import { ensureAdmin } from './auth/admin-bootstrap.js';
import { createAuthService } from './auth/auth-service.js';
import { createTokenSigner } from './auth/tokens.js';
import type { HubConfig } from './config.js';
import { openDatabase, type HubDb } from './db/database.js';
import { ensureSetting } from './db/settings-queries.js';
import { createHubStore } from './hub-store.js';
import { createStateCache, type StateChange } from './state-cache.js';
import { startMaintenance } from './maintenance.js';
import { createHubRuntime, type HubRuntime, type HubRuntimeOptions } from './runtime/index.js';
import { createAgentsService } from './services/agents-service.js';
import { createRoutesService } from './services/routes-service.js';

/** A running Hub. */
export interface Hub {
  readonly app: FastifyInstance;
  readonly runtime: HubRuntime;
  /** Start listening on the configured host and port; resolves with the bound address. */
  listen(): Promise<{ host: string; port: number }>;
  /** Stop serving, stop the runtime, close the database. */
  close(): Promise<void>;
}

export interface CreateHubOptions {
  config: HubConfig;
  log: Logger;
  bus: Bus;
  /** Called once with the generated password when the first start creates `hub_admin`. */
  onAdminCreated?: (password: string) => void;
  /** Builds the runtime services; the real ones by default. */
  runtimeFactory?: (options: HubRuntimeOptions) => HubRuntime;
}

/** The JWT secret: configured, or generated once and shared through the database. */
export async function resolveJwtSecret(
  hubDb: HubDb,
  configured: string | undefined,
): Promise<string> {
  return (
    configured ?? ensureSetting(hubDb.db, 'jwt_secret', () => randomBytes(48).toString('base64url'))
  );
}

/** Open the database, create the admin on first start, build the API and start the runtime. */
export async function createHub({
  config,
  log,
  bus,
  onAdminCreated,
  runtimeFactory = createHubRuntime,
}: CreateHubOptions): Promise<Hub> {
  const hubDb = await openDatabase(config.databaseUrl, log);
  let runtime: HubRuntime | undefined;
  try {
    const { db } = hubDb;
    const secret = await resolveJwtSecret(hubDb, config.jwtSecret);
    const generated = await ensureAdmin(db, config.adminPassword);
    if (generated) onAdminCreated?.(generated);

    // The runtime republishes after every change; this Hub's own changes update its copy of
    // the state instead of a full reload (others' changes still reload in full).
    const state = createStateCache(db);
    const rt = runtimeFactory({
      bus,
      log,
      hubId: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      store: createHubStore(db, { loadState: () => state.load() }),
    });
    runtime = rt;
    const onChange = (version: number, change: StateChange) => {
      state.record(version, change);
      rt.notifyChanged();
    };
    const auth = createAuthService({
      db,
      signer: createTokenSigner(secret),
      limits: config.loginLimits,
    });
    const routes = createRoutesService({ db, onChange });
    const agents = createAgentsService({ db, onChange, presence: () => rt.agentPresence() });
    const app = await buildApp({
      services: { db, auth, routes, agents, runtime: rt },
      log,
      bodyLimit: config.bodyLimit,
      trustProxy: config.trustProxy,
      webRoot: config.webRoot,
    });
    await rt.start();
    const stopMaintenance = startMaintenance(db, log);
    log.info({ database: hubDb.kind }, 'hub ready');

    let closed = false;
    return {
      app,
      runtime: rt,
      async listen() {
        await app.listen({ host: config.host, port: config.port });
        const address = app.server.address();
        if (!address || typeof address === 'string')
          return { host: config.host, port: config.port };
        return { host: address.address, port: address.port };
      },
      async close() {
        if (closed) return;
        closed = true;
        stopMaintenance();
        await app.close();
        await rt.stop();
        await hubDb.close();
      },
    };
  } catch (err) {
    await runtime?.stop().catch(() => undefined);
    await hubDb.close();
    throw err;
  }
}
