import type { RouteConfig } from '../bus/types.js';
import type { ClientAddress, OpenedChannel } from './upstream.js';
import type { TunnelConn } from './tunnel-conn.js';
import { TunnelErrors } from './tunnel-errors.js';

/** The channel died before the Link answered: nothing reached the player yet, another may be tried. */
export class ChannelLostError extends Error {
  constructor() {
    super('data channel closed before the Link answered');
    this.name = 'ChannelLostError';
  }
}

/**
 * Ask the Link, over one idle data channel, to relay a player to `route`: write Open and the
 * player's first bytes, wait for OpenOk (or OpenFailed), then hand the socket out raw.
 */
export function openOnChannel(
  conn: TunnelConn,
  route: RouteConfig,
  client: ClientAddress,
  initial: Buffer,
  timeoutMs: number,
): Promise<OpenedChannel> {
  return new Promise<OpenedChannel>((resolve, reject) => {
    const { socket } = conn;
    let settled = false;
    const finish = (err: Error | null, value?: OpenedChannel) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('close', onClose);
      if (err) {
        conn.destroy();
        reject(err);
      } else resolve(value!);
    };
    const onClose = () => finish(new ChannelLostError());
    const timer = setTimeout(
      () =>
        finish(
          TunnelErrors.OPEN_TIMEOUT(
            `no answer from the Link for route ${route.id} in ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    socket.once('close', onClose);

    conn.handle((message) => {
      if (message.type === 'openOk') {
        const head = conn.release();
        finish(null, { socket, head });
      } else if (message.type === 'openFailed') {
        finish(
          TunnelErrors.TARGET_REFUSED(`route ${route.id}: ${message.code}: ${message.reason}`),
        );
      } else if (message.type !== 'ping' && message.type !== 'pong') {
        finish(
          TunnelErrors.TARGET_REFUSED(
            `route ${route.id}: unexpected ${message.type} from the Link`,
          ),
        );
      }
    });
    // The player's first bytes ride right behind the Open, in the same write: no extra round
    // trip, one system call and one segment for the Link to read.
    socket.cork();
    conn.send({
      type: 'open',
      routeId: route.id,
      sourceAddress: client.sourceAddress,
      sourcePort: client.sourcePort,
      destAddress: client.destAddress,
      destPort: client.destPort,
    });
    if (initial.length > 0) socket.write(initial);
    socket.uncork();
  });
}
