/** The TCP servers the suites stand up as backends: loopback, port 0, closed without waiting. */
import net, { type AddressInfo } from 'node:net';

/** A listening server; `close()` also destroys the connections still open. */
export interface LoopbackServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Listen on 127.0.0.1 (port 0) and hand each connection to `onSocket`; socket errors are ignored. */
export async function listenLoopback(
  onSocket: (socket: net.Socket) => void,
  options: net.ServerOpts = {},
): Promise<LoopbackServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer(options, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
