import type { Kysely } from 'kysely';
import type { HubDatabase } from '../db/schema.js';
import type { AuthService } from '../auth/auth-service.js';
import type { HubRuntime } from '../runtime/index.js';
import type { RoutesService } from './routes-service.js';
import type { AgentsService } from './agents-service.js';

/** What the HTTP layer is given: services only, never SQL. */
export interface HubServices {
  readonly db: Kysely<HubDatabase>;
  readonly auth: AuthService;
  readonly routes: RoutesService;
  readonly agents: AgentsService;
  readonly runtime: HubRuntime;
}
