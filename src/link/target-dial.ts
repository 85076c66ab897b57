import { connect, type Socket } from 'node:net';
import type { LinkRoute } from '../bus/types.js';
import { LinkErrors } from './errors.js';

/** Connect to a route's target (an IP or a host name resolved here, on the Link's side). */
export function dialTarget(route: LinkRoute, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: route.targetIp,
      port: route.targetPort,
      allowHalfOpen: true,
      noDelay: true,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        LinkErrors.TARGET_TIMEOUT(`route ${route.id}: target did not answer in ${timeoutMs} ms`),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      // The relay takes errors over; until it does, one must not go unhandled.
      socket.on('error', () => socket.destroy());
      socket.setNoDelay(true);
      resolve(socket);
    });
    const onError = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(LinkErrors.TARGET_UNREACHABLE(`route ${route.id}: ${err.code ?? err.message}`));
    };
    socket.once('error', onError);
  });
}
