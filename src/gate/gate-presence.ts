import { hostname } from 'node:os';
import { isIPv6 } from 'node:net';
import type { ListenAddress } from './gate-config.js';

const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** `host:port`, IPv6 in brackets. */
export function joinHostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The tunnel address Links are told to dial: the configured one, else the listener's own host
 * and bound port; a wildcard bind (0.0.0.0, ::) is replaced by `fallbackHost` (the public
 * address's host when set) or the machine's host name, since nobody can dial 0.0.0.0.
 */
export function advertisedTunnelAddr(
  advertise: string | undefined,
  listen: ListenAddress,
  boundPort: number,
  fallbackHost?: string,
): string {
  if (advertise) return advertise;
  const host = WILDCARD.has(listen.host) ? (fallbackHost ?? hostname()) : listen.host;
  return joinHostPort(host, boundPort);
}

/** Host part of a `host:port` (brackets removed), or undefined when there is none. */
export function hostOf(addr: string | undefined): string | undefined {
  if (!addr) return undefined;
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(addr) ?? /^([^:]+)(?::\d+)?$/.exec(addr);
  const host = m?.[1];
  return host && !WILDCARD.has(host) ? host : undefined;
}
