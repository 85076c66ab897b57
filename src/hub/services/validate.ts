import { isIP } from 'node:net';
import { HubValidationError } from '../errors.js';

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOSTNAME = new RegExp(`^(?:${LABEL}\\.)*${LABEL}$`);

/** A route domain, normalised: lowercased, no trailing dot; a hostname or `*.` wildcard. */
export function normalizeDomain(value: string, field = 'domain'): string {
  const domain = value.trim().toLowerCase().replace(/\.$/, '');
  const host = domain.startsWith('*.') ? domain.slice(2) : domain;
  if (domain.length > 253 || !HOSTNAME.test(host)) {
    throw new HubValidationError(field, `${field} must be a hostname or a *. wildcard`);
  }
  return domain;
}

/** A route target: an IPv4/IPv6 address or a hostname, as given. */
export function checkTargetHost(value: string, field = 'target_ip'): string {
  const host = value.trim();
  if (isIP(host) !== 0) return host;
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name.length > 253 || !HOSTNAME.test(name)) {
    throw new HubValidationError(field, `${field} must be an IP address or a hostname`);
  }
  return host;
}

/** A push URL: absolute http(s) with a host. */
export function checkPushUrl(value: string, field = 'push_url'): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new HubValidationError(field, `${field} must be an http(s) URL`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new HubValidationError(field, `${field} must be an http(s) URL`);
  }
  return value.trim();
}
