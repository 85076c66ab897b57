import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type ConnectionOptions } from 'node:tls';
import type { GateEndpoint } from '../bus/types.js';
import { LinkErrors } from './errors.js';

/** Split `host:port` (IPv6 in brackets) as the view writes a Gate's tunnel address. */
export function parseHostPort(addr: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(addr) ?? /^([^:]+):(\d{1,5})$/.exec(addr);
  const port = Number(m?.[2]);
  if (!m?.[1] || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw LinkErrors.CONFIG(`not a host:port address: ${addr}`);
  }
  return { host: m[1], port };
}

// One context for every dial: no CA and no client certificate, so nothing differs between Gates,
// and building a context per connection cost a tenth of the Link's CPU at 500 players a second.
let sharedContext: ReturnType<typeof createSecureContext> | undefined;

/** Fingerprints compare without regard to case or separators. */
function sameFingerprint(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return norm(a).length > 0 && norm(a) === norm(b);
}

/**
 * Open a connection to a Gate's tunnel port. With TLS the certificate's SHA-256 fingerprint is
 * compared with the pinned one before a single byte is sent; a mismatch is refused.
 */
export function dialGate(endpoint: GateEndpoint, timeoutMs: number): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    let target: { host: string; port: number };
    try {
      target = parseHostPort(endpoint.tunnelAddr);
    } catch (err) {
      return reject(err);
    }
    if (endpoint.tls && !endpoint.fingerprint) {
      return reject(
        LinkErrors.NO_FINGERPRINT(`gate ${endpoint.id} announces TLS without a fingerprint`),
      );
    }
    let socket: Socket;
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(
      () =>
        fail(
          LinkErrors.GATE_TIMEOUT(
            `gate ${endpoint.id} (${endpoint.tunnelAddr}) did not connect in ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    const ready = () => {
      clearTimeout(timer);
      socket.off('error', fail);
      socket.setNoDelay(true);
      resolve(socket);
    };
    if (endpoint.tls) {
      // No CA: the pinned fingerprint is the whole trust decision, checked right below.
      // allowHalfOpen is honoured by tls.connect though its type omits it: half-close passes
      // through. (Wrapping a still-connecting net.Socket instead would put a JS stream shim
      // under TLS and cost a third of the throughput.)
      const options: ConnectionOptions & { allowHalfOpen: boolean } = {
        host: target.host,
        port: target.port,
        rejectUnauthorized: false,
        allowHalfOpen: true,
        secureContext: (sharedContext ??= createSecureContext()),
      };
      const tlsSocket = tlsConnect(options);
      socket = tlsSocket;
      tlsSocket.once('secureConnect', () => {
        const seen = tlsSocket.getPeerX509Certificate()?.fingerprint256 ?? '';
        if (!sameFingerprint(seen, endpoint.fingerprint)) {
          fail(
            LinkErrors.FINGERPRINT_MISMATCH(
              `gate ${endpoint.id} presented ${seen}, expected ${endpoint.fingerprint}`,
            ),
          );
          return;
        }
        ready();
      });
    } else {
      socket = netConnect(
        { host: target.host, port: target.port, allowHalfOpen: true, noDelay: true },
        ready,
      );
    }
    socket.once('error', fail);
  });
}
