import { ensureAdmin } from './auth/admin-bootstrap.js';
import { createAuthService } from './auth/auth-service.js';
import { createTokenSigner } from './auth/tokens.js';
import { resolveHubConfig } from './config.js';
import { openDatabase, type HubDb } from './db/database.js';
import { HubErrors } from './errors.js';
import { resolveJwtSecret } from './hub.js';

/** The database settings the Hub itself runs with. */
export interface AdminCommandOptions {
  /** `sqlite:…` or `postgres://…`; default `sqlite:<dataDir>/hub.db`. */
  databaseUrl?: string | undefined;
  /** Default `./data`. */
  dataDir?: string | undefined;
  /** Must match the Hub's when it sets one; otherwise the secret stored in the database is used. */
  jwtSecret?: string | undefined;
  /** As for the Hub: the password `hub_admin` gets when this command is the first to touch the database. */
  adminPassword?: string | undefined;
  /** Called with the generated password when this command created `hub_admin`. */
  onAdminCreated?: ((password: string) => void) | undefined;
}

const MIN_PASSWORD = 8;

/** Split `user:password` at the first colon; throws HUB_ERR_CONFIG when malformed. */
export function parseUserPassword(spec: string): { username: string; password: string } {
  const at = spec.indexOf(':');
  const username = at > 0 ? spec.slice(0, at) : '';
  const password = at > 0 ? spec.slice(at + 1) : '';
  if (!username || !password) {
    throw HubErrors.HUB_ERR_CONFIG(
      'expected "<user>:<password>", e.g. -change-password "hub_admin:new-password"',
    );
  }
  if (password.length < MIN_PASSWORD) {
    throw HubErrors.HUB_ERR_CONFIG(`the password must be at least ${MIN_PASSWORD} characters`);
  }
  return { username, password };
}

async function withAuth<T>(
  options: AdminCommandOptions,
  run: (auth: ReturnType<typeof createAuthService>) => Promise<T>,
): Promise<T> {
  const config = resolveHubConfig({
    databaseUrl: options.databaseUrl,
    dataDir: options.dataDir,
    jwtSecret: options.jwtSecret,
  });
  const hubDb: HubDb = await openDatabase(config.databaseUrl);
  try {
    const secret = await resolveJwtSecret(hubDb, config.jwtSecret);
    // A command run before the Hub's first start finds the same user the Hub would create.
    const generated = await ensureAdmin(hubDb.db, options.adminPassword);
    if (generated) options.onAdminCreated?.(generated);
    return await run(
      createAuthService({
        db: hubDb.db,
        signer: createTokenSigner(secret),
        limits: config.loginLimits,
      }),
    );
  } finally {
    await hubDb.close();
  }
}

/** `-gen-token <user>`: a one-year API token, recorded so it can be listed and revoked. */
export function generateApiToken(
  options: AdminCommandOptions & { username: string },
): Promise<string> {
  return withAuth(options, async (auth) => {
    try {
      return (await auth.createApiTokenFor(options.username, 'cli', 'cli')).token;
    } catch (err) {
      if (err instanceof Error && 'code' in err && err.code === 'HUB_ERR_NOT_FOUND') {
        throw HubErrors.HUB_ERR_CONFIG(`unknown user: ${options.username}`);
      }
      throw err;
    }
  });
}

/** `-change-password "<user>:<password>"`: set the password; the user's sessions end. Returns the user. */
export async function changePassword(
  options: AdminCommandOptions & { spec: string },
): Promise<string> {
  const { username, password } = parseUserPassword(options.spec);
  return withAuth({ ...options, onAdminCreated: undefined }, async (auth) => {
    try {
      await auth.setPassword(username, password, 'cli');
    } catch (err) {
      if (err instanceof Error && 'code' in err && err.code === 'HUB_ERR_NOT_FOUND') {
        throw HubErrors.HUB_ERR_CONFIG(`unknown user: ${username}`);
      }
      throw err;
    }
    return username;
  });
}
