/**
 * Player-side probes on raw sockets: cheap enough to run every few milliseconds, exact about
 * what the Gate did (relayed the bytes, or answered itself).
 */
import net from 'node:net';
import { listenLoopback } from '../support/loopback-server.js';
import { handshake, loginStart, packet, readMcString, readVarInt } from '../support/raw-tcp.js';

/** A TCP backend that echoes every byte: a relayed login comes back byte for byte. */
export interface EchoBackend {
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: () => number;
  close(): Promise<void>;
}

/** Start an echo backend on loopback. */
export async function startEchoBackend(): Promise<EchoBackend> {
  let accepted = 0;
  const server = await listenLoopback((socket) => {
    accepted++;
    socket.pipe(socket);
  });
  return { port: server.port, accepted: () => accepted, close: () => server.close() };
}

/** The first complete packet of `buf`: its id and body, or null while incomplete. */
function firstPacket(buf: Buffer): { id: number; body: Buffer } | null {
  const len = readVarInt(buf, 0);
  if (!len || buf.length < len.size + len.value) return null;
  const inner = buf.subarray(len.size, len.size + len.value);
  const id = readVarInt(inner, 0);
  if (!id) throw new Error('packet without id');
  return { id: id.value, body: inner.subarray(id.size) };
}

/** The readable text of a JSON text component (or a plain string). */
export function componentText(component: unknown): string {
  if (typeof component === 'string') return component;
  if (component && typeof component === 'object') {
    const c = component as { text?: unknown; extra?: unknown[] };
    return `${typeof c.text === 'string' ? c.text : ''}${(c.extra ?? []).map(componentText).join('')}`;
  }
  return '';
}

/** What a login attempt got: relayed to the backend, or the Gate's disconnect text. */
export type LoginOutcome = { relayed: true } | { relayed: false; disconnect: string };

/**
 * Start a login for `domain` on the Gate at `gatePort`. Behind an echo backend a relayed login
 * gets its own bytes back; a login the Gate refuses gets a disconnect packet instead.
 */
export function loginProbe(
  gatePort: number,
  domain: string,
  timeoutMs = 5000,
): Promise<LoginOutcome> {
  const sent = Buffer.concat([handshake(domain, { nextState: 2 }), loginStart('Probe')]);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port: gatePort, host: '127.0.0.1' });
    let buf = Buffer.alloc(0);
    const finish = (err: Error | null, outcome?: LoginOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(outcome!);
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `login probe for ${domain}: no answer within ${timeoutMs} ms (${buf.length} bytes)`,
          ),
        ),
      timeoutMs,
    );
    socket.setNoDelay(true);
    socket.on('error', (err) => finish(err));
    socket.once('connect', () => socket.write(sent));
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= sent.length && buf.subarray(0, sent.length).equals(sent)) {
        return finish(null, { relayed: true });
      }
      if (sent.subarray(0, buf.length).equals(buf)) return; // a partial echo so far
      try {
        const p = firstPacket(buf);
        if (!p) return;
        const raw = readMcString(p.body);
        let text = raw;
        try {
          text = componentText(JSON.parse(raw));
        } catch {
          // A plain string reason.
        }
        finish(null, { relayed: false, disconnect: text });
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on('close', () =>
      finish(new Error(`login probe for ${domain}: closed after ${buf.length} bytes`)),
    );
  });
}

/** The status JSON's MOTD text for `domain` through the Gate at `gatePort` (raw server-list ping). */
export function statusProbe(gatePort: number, domain: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port: gatePort, host: '127.0.0.1' });
    let buf = Buffer.alloc(0);
    const finish = (err: Error | null, motd?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(motd!);
    };
    const timer = setTimeout(
      () => finish(new Error(`status probe for ${domain}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.setNoDelay(true);
    socket.on('error', (err) => finish(err));
    socket.once('connect', () =>
      socket.write(
        Buffer.concat([handshake(domain, { nextState: 1 }), packet(0x00, Buffer.alloc(0))]),
      ),
    );
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      try {
        const p = firstPacket(buf);
        if (!p) return;
        if (p.id !== 0x00) throw new Error(`status probe: packet 0x${p.id.toString(16)}`);
        const status = JSON.parse(readMcString(p.body)) as { description?: unknown };
        finish(null, componentText(status.description));
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on('close', () =>
      finish(new Error(`status probe for ${domain}: closed after ${buf.length} bytes`)),
    );
  });
}

/** A login probe whose failure (timeout, reset) counts as not relayed, with the reason. */
export function tryLoginProbe(
  gatePort: number,
  domain: string,
  timeoutMs?: number,
): Promise<LoginOutcome> {
  return loginProbe(gatePort, domain, timeoutMs).catch((err: Error) => ({
    relayed: false,
    disconnect: err.message,
  }));
}
