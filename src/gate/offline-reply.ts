import type { Socket } from 'node:net';
import type { Handshake } from '../protocol/minecraft-handshake.js';
import { encodeLegacyKick, type LegacyStatus } from '../protocol/minecraft-legacy.js';
import {
  encodeLoginDisconnect,
  encodePong,
  encodeStatusResponse,
  readPacket,
  type StatusResponse,
} from '../protocol/minecraft-packets.js';

/** Status-state packets are tiny; anything bigger is not a server-list client. */
const MAX_STATUS_PACKET = 256;

/** What to tell a player the Gate answers for itself. */
export interface OfflineAnswer {
  /** MOTD for a server-list ping. */
  readonly motd: string;
  /** Disconnect reason for a login or transfer. */
  readonly kick: string;
  readonly versionName: string;
  /** The route's last known good status JSON: its version, icon and slots are shown with `motd`. */
  readonly cachedStatus?: string | undefined;
}

/** Close our side after the reply, then let the client close; never leave a socket behind. */
function finish(socket: Socket, last: Buffer, timeoutMs: number): void {
  socket.end(last);
  socket.resume();
  setTimeout(() => socket.destroy(), timeoutMs).unref();
}

/** The status JSON the Gate shows for a server it cannot reach. */
export function offlineStatus(
  protocolVersion: number,
  motd: string,
  versionName: string,
): StatusResponse {
  return {
    version: { name: versionName, protocol: protocolVersion },
    players: { max: 0, online: 0 },
    description: { text: motd },
  };
}

/**
 * The server's last known status (version, icon, slot count) with the offline MOTD and nobody
 * online: players recognise their server and still see at once that it is down. A cached
 * document that is not a JSON object gives way to the plain offline status.
 */
export function offlineFromCached(
  cached: string,
  protocolVersion: number,
  motd: string,
  versionName: string,
): StatusResponse {
  const plain = offlineStatus(protocolVersion, motd, versionName);
  let last: unknown;
  try {
    last = JSON.parse(cached);
  } catch {
    return plain;
  }
  if (typeof last !== 'object' || last === null || Array.isArray(last)) return plain;
  const { players, ...rest } = last as Record<string, unknown>;
  const max = (players as { max?: unknown } | undefined)?.max;
  return {
    ...rest,
    ...(rest['version'] === undefined ? { version: plain.version } : {}),
    players: { max: typeof max === 'number' ? max : 0, online: 0 },
    description: plain.description,
  } as StatusResponse;
}

/**
 * Answer a player whose server the Gate cannot reach: a status exchange (response, then pong to
 * the ping) or a login disconnect. `rest` holds bytes that followed the handshake. Resolves when
 * the socket is closed; `onProtocolError` reports a malformed status packet.
 */
export function answerOffline(
  socket: Socket,
  handshake: Handshake,
  rest: Buffer,
  answer: OfflineAnswer,
  timeoutMs: number,
  onProtocolError: (err: unknown) => void = () => {},
): void {
  if (handshake.nextState !== 1) {
    finish(socket, encodeLoginDisconnect(answer.kick), timeoutMs);
    return;
  }
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.once('end', () => socket.destroy());
  const { protocolVersion } = handshake;
  const status = JSON.stringify(
    answer.cachedStatus === undefined
      ? offlineStatus(protocolVersion, answer.motd, answer.versionName)
      : offlineFromCached(answer.cachedStatus, protocolVersion, answer.motd, answer.versionName),
  );
  let buf = rest;
  let answered = false;
  const consume = (): void => {
    try {
      for (;;) {
        const packet = readPacket(buf, 0, MAX_STATUS_PACKET);
        if (!packet) return;
        buf = buf.subarray(packet.size);
        if (packet.id === 0x00 && !answered) {
          answered = true;
          socket.write(encodeStatusResponse(status));
        } else if (packet.id === 0x01) {
          socket.off('data', onData);
          finish(socket, encodePong(packet.body), timeoutMs);
          return;
        } else {
          throw new Error(`unexpected status packet 0x${packet.id.toString(16)}`);
        }
      }
    } catch (err) {
      onProtocolError(err);
      socket.destroy();
    }
  };
  const onData = (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    consume();
  };
  socket.on('data', onData);
  socket.resume();
  consume();
}

/** Answer a legacy (pre-1.7) server-list ping with a kick that carries a MOTD. */
export function answerLegacy(socket: Socket, status: LegacyStatus, timeoutMs: number): void {
  finish(socket, encodeLegacyKick(status), timeoutMs);
}
