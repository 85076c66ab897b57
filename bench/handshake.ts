/** Minecraft protocol number sent in bench handshakes (1.21). */
const PROTOCOL_VERSION = 767;

function varInt(value: number): Buffer {
  const bytes: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (v !== 0);
  return Buffer.from(bytes);
}

/** A login handshake packet (next state 2) naming `domain`, as a player's client sends it first. */
export function encodeHandshake(domain: string, port = 25565): Buffer {
  const address = Buffer.from(domain, 'utf8');
  const portBytes = Buffer.alloc(2);
  portBytes.writeUInt16BE(port);
  const body = Buffer.concat([
    varInt(0x00),
    varInt(PROTOCOL_VERSION),
    varInt(address.length),
    address,
    portBytes,
    varInt(2),
  ]);
  return Buffer.concat([varInt(body.length), body]);
}

/**
 * Length in bytes of the length-prefixed packet at the start of `buffer` (prefix included),
 * or -1 while the buffer does not hold all of it yet.
 */
export function framedLength(buffer: Buffer): number {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= buffer.length) return -1;
    const byte = buffer[i]!;
    value |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) === 0) {
      const total = i + 1 + value;
      return buffer.length >= total ? total : -1;
    }
  }
  throw new Error('handshake length VarInt longer than 5 bytes');
}
