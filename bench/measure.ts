import { downloadRate, uploadRate } from './load-bulk.js';
import { openIdlePlayers } from './load-idle.js';
import { messageRate } from './load-message-rate.js';
import { pingPong } from './load-ping-pong.js';
import { setupTime } from './load-setup.js';
import type { BenchPath } from './paths.js';
import { readCpuMs, readRss } from './processes.js';
import type { MemoryFigures, RoundFigures } from './results.js';

/** How long and how much each measurement runs. */
export interface Plan {
  readonly rounds: number;
  readonly bulkBytes: number;
  readonly pingMs: number;
  readonly rateConnections: number;
  readonly rateMs: number;
  readonly setupPerSecond: number;
  readonly setupMs: number;
  readonly idlePlayers: number;
  readonly idleParallel: number;
  readonly settleMs: number;
  /** How long every process rests after start-up before its idle RSS is read. */
  readonly restMs: number;
}

export const FULL_PLAN: Plan = {
  rounds: 5,
  bulkBytes: 200e6,
  pingMs: 1500,
  rateConnections: 100,
  rateMs: 2000,
  setupPerSecond: 500,
  setupMs: 2500,
  idlePlayers: 8000,
  idleParallel: 200,
  settleMs: 3000,
  // V8 gives back the heap that start-up garbage grew after about 8 s without work.
  restMs: 15_000,
};

export const QUICK_PLAN: Plan = {
  ...FULL_PLAN,
  rounds: 1,
  bulkBytes: 64e6,
  pingMs: 1000,
  rateMs: 1500,
  setupMs: 2000,
  settleMs: 1500,
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One round of the timed figures on one path; a failed figure is left out and reported. */
export async function measureRound(path: BenchPath, plan: Plan, onError: (what: string, error: unknown) => void): Promise<RoundFigures> {
  const figures: RoundFigures = {};
  const attempt = async (what: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      onError(what, error);
    }
    // Let closed connections and garbage settle so one figure does not tax the next.
    await sleep(150);
  };
  await attempt('bulk upload', async () => {
    figures.uploadMBs = await uploadRate(path.target, plan.bulkBytes);
  });
  await attempt('bulk download', async () => {
    figures.downloadMBs = await downloadRate(path.target, plan.bulkBytes);
  });
  if (path.bulkOnly) return figures;
  await attempt('ping-pong', async () => {
    const { p50, p99 } = await pingPong(path.target, plan.pingMs);
    figures.pingP50Ms = p50;
    figures.pingP99Ms = p99;
  });
  await attempt('message rate', async () => {
    figures.messagesPerSec = await messageRate(path.target, plan.rateConnections, plan.rateMs);
  });
  await attempt('set-up time', async () => {
    const cpu = (): [number, number] => [path.front ? readCpuMs(path.front.pid) : Number.NaN, path.back ? readCpuMs(path.back.pid) : Number.NaN];
    const [front0, back0] = cpu();
    const { p50, p99, count, errors } = await setupTime(path.target, plan.setupPerSecond, plan.setupMs);
    figures.setupP50Ms = p50;
    figures.setupP99Ms = p99;
    figures.setupErrors = errors;
    // Include the work each set-up leaves behind (a Link replaces the data channel it used).
    await sleep(300);
    const [front1, back1] = cpu();
    if (count > 0 && Number.isFinite(front1 - front0)) figures.setupCpuFrontMs = (front1 - front0) / count;
    if (count > 0 && Number.isFinite(back1 - back0)) figures.setupCpuBackMs = (back1 - back0) / count;
  });
  return figures;
}

/** RSS of the path's processes at rest. */
export function idleRss(path: BenchPath): MemoryFigures {
  return {
    ...(path.front ? { idleFrontRss: readRss(path.front.pid) } : {}),
    ...(path.back ? { idleBackRss: readRss(path.back.pid) } : {}),
  };
}

/** Hold `plan.idlePlayers` idle players open through the path; RSS growth per player, errors. */
export async function measureIdlePlayers(path: BenchPath, plan: Plan): Promise<MemoryFigures> {
  const before = { front: path.front ? readRss(path.front.pid) : 0, back: path.back ? readRss(path.back.pid) : 0 };
  const players = await openIdlePlayers(path.target, plan.idlePlayers, plan.idleParallel);
  try {
    await sleep(plan.settleMs);
    const opened = players.opened;
    const perConn = (pid: number | undefined, base: number): number | undefined =>
      pid === undefined || opened === 0 ? undefined : (readRss(pid) - base) / opened;
    const front = perConn(path.front?.pid, before.front);
    const back = perConn(path.back?.pid, before.back);
    return {
      idlePlayers: opened,
      idleErrors: players.errors(),
      ...(front !== undefined ? { frontPerConn: front } : {}),
      ...(back !== undefined ? { backPerConn: back } : {}),
    };
  } finally {
    await players.close();
    await sleep(1000);
  }
}
