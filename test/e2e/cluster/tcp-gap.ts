/**
 * A TCP forwarder in front of a Gate's tunnel port that can make the Gate unreachable and
 * reachable again at an exact moment, while the Gate process (and its presence) stays up:
 * what a Link sees when a Gate dies and is back before its presence lapsed.
 */
import net, { type AddressInfo } from 'node:net';

/** The forwarder; `attempts` records when each connection was turned away. */
export interface TcpGap {
  readonly port: number;
  /** ms timestamps of connections turned away since the last `cut()`. */
  readonly refused: number[];
  /** Reset every forwarded connection and turn new ones away. */
  cut(): void;
  /** Forward new connections again. */
  restore(): void;
  close(): Promise<void>;
}

/** Forward loopback port → `targetPort` until cut. */
export async function startTcpGap(targetPort: number): Promise<TcpGap> {
  const pairs = new Set<net.Socket>();
  const refused: number[] = [];
  let open = true;
  const server = net.createServer((client) => {
    client.on('error', () => {});
    if (!open) {
      refused.push(Date.now());
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ port: targetPort, host: '127.0.0.1' });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    pairs.add(client);
    pairs.add(upstream);
    client.once('close', () => pairs.delete(client));
    upstream.once('close', () => pairs.delete(upstream));
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    refused,
    cut() {
      open = false;
      refused.length = 0;
      for (const socket of pairs) socket.resetAndDestroy();
      pairs.clear();
    },
    restore() {
      open = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of pairs) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
