import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

/** Session tokens from login live 24 h; API tokens one year. */
export const SESSION_TTL_MS = 24 * 3600_000;
export const API_TOKEN_TTL_MS = 365 * 24 * 3600_000;

/** What a Hub token carries. */
export interface TokenClaims {
  userId: number;
  kind: 'session' | 'api';
  jti: string;
  /** ms since epoch. */
  expiresAt: number;
  /** The user's token version when a session token was issued. */
  tokenVersion: number;
}

/** Signs and checks the Hub's HS256 JWTs. */
export interface TokenSigner {
  sign(claims: { userId: number; kind: 'session' | 'api'; tokenVersion?: number; now: number }): Promise<{
    token: string;
    jti: string;
    expiresAt: number;
  }>;
  /** The claims of a well-signed, unexpired token; undefined for anything else. */
  verify(token: string): Promise<TokenClaims | undefined>;
}

const ISSUER = 'gatelink-hub';

/** A signer keyed by `secret`. */
export function createTokenSigner(secret: string): TokenSigner {
  const key = new TextEncoder().encode(secret);
  return {
    async sign({ userId, kind, tokenVersion = 0, now }) {
      const jti = randomUUID();
      const expiresAt = now + (kind === 'session' ? SESSION_TTL_MS : API_TOKEN_TTL_MS);
      const token = await new SignJWT({ typ: kind, tv: tokenVersion })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(String(userId))
        .setIssuer(ISSUER)
        .setJti(jti)
        .setIssuedAt(Math.floor(now / 1000))
        .setExpirationTime(Math.floor(expiresAt / 1000))
        .sign(key);
      return { token, jti, expiresAt: Math.floor(expiresAt / 1000) * 1000 };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: ISSUER });
        const userId = Number(payload.sub);
        const kind = payload['typ'];
        if (!Number.isInteger(userId) || (kind !== 'session' && kind !== 'api') || !payload.jti || !payload.exp) {
          return undefined;
        }
        const tv = payload['tv'];
        return {
          userId,
          kind,
          jti: payload.jti,
          expiresAt: payload.exp * 1000,
          tokenVersion: typeof tv === 'number' ? tv : 0,
        };
      } catch {
        return undefined;
      }
    },
  };
}
