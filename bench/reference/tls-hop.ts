import { readFileSync } from 'node:fs';
import { connect as netConnect, createServer as createNetServer, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';

// Reference hop for the bench: the least a Node process can do to carry a player over TLS, two
// `pipe()` calls around a TLS socket, with Gatelink's TLS settings (Node's defaults, pinned
// rather than CA-checked). A chain of two is the floor of what Node's TLS costs per byte.
//
//   tls-hop front <listen port> <next port>               plain in, TLS out
//   tls-hop back  <listen port> <next port> <key> <cert>  TLS in, plain out
//
// Prints "listening" once it accepts connections.

const [role, listenPort, nextPort, keyFile, certFile] = process.argv.slice(2);

function relay(a: Socket, b: Socket): void {
  a.setNoDelay(true);
  b.setNoDelay(true);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.pipe(b);
  b.pipe(a);
}

const next = Number(nextPort);
const server =
  role === 'front'
    ? createNetServer({ allowHalfOpen: true }, (player) =>
        relay(player, tlsConnect({ host: '127.0.0.1', port: next, rejectUnauthorized: false })),
      )
    : createTlsServer({ key: readFileSync(keyFile!), cert: readFileSync(certFile!), allowHalfOpen: true }, (tunnel) =>
        relay(tunnel, netConnect({ host: '127.0.0.1', port: next, allowHalfOpen: true })),
      );
server.listen(Number(listenPort), '127.0.0.1', () => process.stdout.write('listening\n'));
