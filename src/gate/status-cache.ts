import type { Socket } from 'node:net';
import { decodeStatusResponse } from '../protocol/minecraft-packets.js';

/** A status response bigger than this is not remembered (favicons are ~10 KiB base64). */
const MAX_CAPTURE = 64 * 1024;

/**
 * The last status response JSON each route's backend gave, to show while it is offline. Only
 * server-list pings are watched (a few hundred bytes, once); login and play traffic never is.
 */
export class StatusCache {
  readonly #byRoute = new Map<number, string>();

  /** The last good status JSON of a route, if the Gate saw one. */
  get(routeId: number): string | undefined {
    return this.#byRoute.get(routeId);
  }

  /** Forget routes that no longer exist. */
  retain(routeIds: ReadonlySet<number>): void {
    for (const id of this.#byRoute.keys()) if (!routeIds.has(id)) this.#byRoute.delete(id);
  }

  /**
   * Watch the backend side of a relayed status connection until its status response is complete,
   * then stop listening. `head` is what arrived before piping started.
   */
  capture(routeId: number, channel: Socket, head: Buffer): void {
    let buf = head;
    const tryDecode = (): boolean => {
      try {
        const json = decodeStatusResponse(buf);
        if (json === null) return buf.length > MAX_CAPTURE;
        JSON.parse(json);
        this.#byRoute.set(routeId, json);
      } catch {
        // A malformed response is the backend's problem; keep the previous good one.
      }
      return true;
    };
    if (tryDecode()) return;
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (tryDecode()) channel.off('data', onData);
    };
    channel.on('data', onData);
  }
}
