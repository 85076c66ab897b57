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
  sign(claims: {
    userId: number;
    kind: 'session' | 'api';
    tokenVersion?: number;
    now: number;
  }): Promise<{
    token: string;
    jti: string;
    expiresAt: number;
  }>;
  /** The claims of a well-signed, unexpired token; undefined for anything else. */
  verify(token: string): Promise<TokenClaims | undefined>;
}

const ISSUER = 'gatelink-hub';

/** Verified tokens remembered, so a busy client costs one HMAC per token rather than per request. */
const VERIFIED_CACHE_SIZE = 1000;

/** A signer keyed by `secret`. */
export function createTokenSigner(secret: string): TokenSigner {
  const key = new TextEncoder().encode(secret);
  // Only the signature check is cached; expiry is re-checked on every use and revocation is
  // the caller's lookup, so a cached entry never outlives what the token itself allows.
  const verified = new Map<string, TokenClaims>();
  const check = async (token: string): Promise<TokenClaims | undefined> => {
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: ISSUER });
      const userId = Number(payload.sub);
      const kind = payload['typ'];
      if (
        !Number.isInteger(userId) ||
        (kind !== 'session' && kind !== 'api') ||
        !payload.jti ||
        !payload.exp
      ) {
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
  };
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
      const hit = verified.get(token);
      if (hit) {
        if (hit.expiresAt > Date.now()) return hit;
        verified.delete(token);
        return undefined;
      }
      const claims = await check(token);
      if (claims) {
        if (verified.size >= VERIFIED_CACHE_SIZE)
          verified.delete(verified.keys().next().value as string);
        verified.set(token, claims);
      }
      return claims;
    },
  };
}
