/** What a pre-1.7 client shows for a server it pings. */
export interface LegacyStatus {
  /** Protocol number shown as compatible or not; 127 marks "not a 1.6 server". */
  readonly protocolVersion: number;
  readonly versionName: string;
  readonly motd: string;
  readonly online: number;
  readonly max: number;
}

/**
 * The kick packet (0xFF) that answers a legacy server-list ping (first byte 0xFE, clients 1.4–1.6):
 * UTF-16BE `§1\0protocol\0version\0motd\0online\0max`, prefixed by its length in UTF-16 units.
 * 1.3 and older read the same packet and show it as a plain reason.
 */
export function encodeLegacyKick(status: LegacyStatus): Buffer {
  const text = [
    '\u00a71',
    String(status.protocolVersion),
    status.versionName,
    status.motd,
    String(status.online),
    String(status.max),
  ].join('\0');
  const units = text.length;
  const out = Buffer.alloc(3 + units * 2);
  out[0] = 0xff;
  out.writeUInt16BE(units, 1);
  for (let i = 0; i < units; i++) out.writeUInt16BE(text.charCodeAt(i), 3 + i * 2);
  return out;
}
