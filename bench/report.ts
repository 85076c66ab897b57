import { figure, PATH_KEYS, PATH_LABELS, REFERENCE_PATHS, total, type MemoryFigures, type PathKey, type RoundKey, type RunResults } from './results.js';
import type { Summary } from './stats.js';

/** What the report says about where it ran. */
export interface MachineInfo {
  readonly date: string;
  readonly nproc: number;
  readonly cpu: string;
  readonly node: string;
  readonly haproxy: string;
  readonly kernel: string;
  readonly mode: string;
  /** 1-minute load average at the start and at the end of the run. */
  readonly load: string;
  /** What the Gate and Link ran: `HEAD <sha>`, `working tree`… */
  readonly build: string;
}

const KB = 1024;
const MB = 1024 * 1024;

function num(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function cell(s: Summary, digits: number): string {
  if (s.rounds === 0) return '—';
  if (s.rounds === 1) return num(s.median, digits);
  return `${num(s.median, digits)} (${num(s.min, digits)}–${num(s.max, digits)})`;
}

function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${num(a / b, 2)}×` : '—';
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

const TIMED: readonly { key: RoundKey; label: string; digits: number }[] = [
  { key: 'uploadMBs', label: 'Bulk player → server, 1 conn (MB/s)', digits: 0 },
  { key: 'downloadMBs', label: 'Bulk server → player, 1 conn (MB/s)', digits: 0 },
  { key: 'pingP50Ms', label: '64 B ping-pong p50 (ms)', digits: 3 },
  { key: 'pingP99Ms', label: '64 B ping-pong p99 (ms)', digits: 3 },
  { key: 'messagesPerSec', label: 'Messages/s, 100 conns (64 B echo)', digits: 0 },
  { key: 'setupP50Ms', label: 'Set-up p50 at 500 conn/s (ms)', digits: 3 },
  { key: 'setupP99Ms', label: 'Set-up p99 at 500 conn/s (ms)', digits: 3 },
  { key: 'setupCpuFrontMs', label: 'CPU per set-up, front (ms): Gate / haproxy A', digits: 3 },
  { key: 'setupCpuBackMs', label: 'CPU per set-up, back (ms): Link / haproxy B', digits: 3 },
];

const MEMORY: readonly { key: keyof MemoryFigures; label: string; unit: number; digits: number }[] = [
  { key: 'frontPerConn', label: 'Front RSS per idle player (KB): Gate / haproxy A', unit: KB, digits: 1 },
  { key: 'backPerConn', label: 'Back RSS per idle player (KB): Link / haproxy B', unit: KB, digits: 1 },
  { key: 'idleFrontRss', label: 'Idle RSS, front (MB): Gate / haproxy A', unit: MB, digits: 1 },
  { key: 'idleBackRss', label: 'Idle RSS, back (MB): Link / haproxy B', unit: MB, digits: 1 },
];

function memoryCell(results: RunResults, path: PathKey, key: keyof MemoryFigures, unit: number, digits: number): string {
  const value = results[path]?.memory[key];
  return value === undefined ? '—' : num(value / unit, digits);
}

/** The main table: one column per path. */
function figuresTable(results: RunResults, paths: readonly PathKey[]): string[] {
  const lines = [row(['Figure', ...paths.map((p) => PATH_LABELS[p])]), row(['---', ...paths.map(() => '---:')])];
  for (const { key, label, digits } of TIMED) {
    lines.push(row([label, ...paths.map((p) => cell(figure(results, p, key), digits))]));
  }
  const measuredSetup = (p: PathKey): boolean => results[p]?.rounds.some((r) => r.setupErrors !== undefined) ?? false;
  lines.push(row(['Set-up errors (all rounds)', ...paths.map((p) => (measuredSetup(p) ? String(total(results, p, 'setupErrors')) : '—'))]));
  lines.push(
    row([
      'Idle players held / errors',
      ...paths.map((p) => {
        const m = results[p]?.memory;
        return m?.idlePlayers === undefined ? '—' : `${m.idlePlayers} / ${m.idleErrors ?? 0}`;
      }),
    ]),
  );
  for (const { key, label, unit, digits } of MEMORY) {
    lines.push(row([label, ...paths.map((p) => memoryCell(results, p, key, unit, digits))]));
  }
  return lines;
}

/** Each Gatelink figure against HAProxy's and direct's, medians of the same run. */
function ratioTable(results: RunResults, paths: readonly PathKey[]): string[] {
  const gatelinks = paths.filter((p) => p.startsWith('gatelink'));
  if (gatelinks.length === 0) return [];
  const heads = gatelinks.flatMap((p) => [`${PATH_LABELS[p]} ÷ HAProxy`, `${PATH_LABELS[p]} ÷ direct`]);
  const lines = [row(['Figure (ratio of medians)', ...heads]), row(['---', ...heads.map(() => '---:')])];
  const m = (p: PathKey, key: RoundKey): number => figure(results, p, key).median;
  for (const { key, label } of TIMED) {
    lines.push(row([label, ...gatelinks.flatMap((p) => [ratio(m(p, key), m('haproxy', key)), ratio(m(p, key), m('direct', key))])]));
  }
  for (const { key, label } of [
    { key: 'pingP50Ms', label: 'Added ping-pong latency p50 (over direct)' },
    { key: 'pingP99Ms', label: 'Added ping-pong latency p99 (over direct)' },
    { key: 'setupP50Ms', label: 'Added set-up time p50 (over direct)' },
  ] as const) {
    const added = (p: PathKey): number => m(p, key) - m('direct', key);
    lines.push(row([label, ...gatelinks.flatMap((p) => [ratio(added(p), added('haproxy')), '—'])]));
  }
  for (const { key, label } of MEMORY) {
    const v = (p: PathKey): number => results[p]?.memory[key] ?? Number.NaN;
    lines.push(row([label, ...gatelinks.flatMap((p) => [ratio(v(p), v('haproxy')), '—'])]));
  }
  return lines;
}

/**
 * The reference chains against HAProxy, and Gatelink against the reference it is bounded by:
 * plain against the splice relay (no copies in user memory), TLS against bare Node TLS hops.
 */
function boundsTable(results: RunResults, paths: readonly PathKey[]): string[] {
  const pairs: [PathKey, PathKey][] = [];
  for (const reference of REFERENCE_PATHS.filter((p) => paths.includes(p))) {
    pairs.push([reference, 'haproxy']);
    const bounded: PathKey = reference === 'splice' ? 'gatelink' : 'gatelink-tls';
    if (paths.includes(bounded)) pairs.push([bounded, reference]);
  }
  if (pairs.length === 0) return [];
  const heads = pairs.map(([a, b]) => `${PATH_LABELS[a]} ÷ ${PATH_LABELS[b]}`);
  const lines = [row(['Bulk bounds (ratio of medians)', ...heads]), row(['---', ...heads.map(() => '---:')])];
  const m = (p: PathKey, key: RoundKey): number => figure(results, p, key).median;
  for (const { key, label } of TIMED.filter((t) => t.key === 'uploadMBs' || t.key === 'downloadMBs')) {
    lines.push(row([label, ...pairs.map(([a, b]) => ratio(m(a, key), m(b, key)))]));
  }
  return lines;
}

/** The goals, each checked against this run. */
function goalsTable(results: RunResults, paths: readonly PathKey[]): string[] {
  const lines = [row(['Goal', 'Path', 'Measured', 'Met']), row(['---', '---', '---:', ':---:'])];
  const m = (p: PathKey, key: RoundKey): number => figure(results, p, key).median;
  const mem = (p: PathKey, key: keyof MemoryFigures): number => results[p]?.memory[key] ?? Number.NaN;
  const verdict = (ok: boolean, measured: number): string => (Number.isFinite(measured) ? (ok ? 'yes' : '**no**') : 'not measured');
  const add = (goal: string, path: PathKey, measured: number, shown: string, ok: (v: number) => boolean): void => {
    lines.push(row([goal, PATH_LABELS[path], Number.isFinite(measured) ? shown : '—', verdict(ok(measured), measured)]));
  };
  for (const p of paths.filter((k) => k.startsWith('gatelink'))) {
    const tls = p === 'gatelink-tls';
    const floor = tls ? 0.6 : 1.2;
    for (const [key, dir] of [['uploadMBs', 'player → server'], ['downloadMBs', 'server → player']] as const) {
      const r = m(p, key) / m('haproxy', key);
      add(`Bulk ${dir} ≥ ${floor}× HAProxy`, p, r, `${num(r, 2)}×`, (v) => v >= floor);
    }
    const added = (m(p, 'pingP50Ms') - m('direct', 'pingP50Ms')) / (m('haproxy', 'pingP50Ms') - m('direct', 'pingP50Ms'));
    add('Ping-pong added latency (p50) ≤ 1.3× HAProxy’s', p, added, `${num(added, 2)}×`, (v) => v <= 1.3);
    const setup = m(p, 'setupP50Ms') - m('direct', 'setupP50Ms');
    add('Set-up p50 ≤ 1 ms over direct', p, setup, `+${num(setup, 3)} ms`, (v) => v <= 1);
    const p99 = m(p, 'setupP99Ms');
    add('Set-up p99 ≤ 5 ms', p, p99, `${num(p99, 3)} ms`, (v) => v <= 5);
    const gate = mem(p, 'frontPerConn') / KB;
    add('Gate ≤ 15 KB per connection', p, gate, `${num(gate, 1)} KB`, (v) => v <= 15);
    const link = mem(p, 'backPerConn') / KB;
    add('Link ≤ 15 KB per connection', p, link, `${num(link, 1)} KB`, (v) => v <= 15);
    const gateIdle = mem(p, 'idleFrontRss') / MB;
    add('Idle Gate RSS ≤ 60 MB', p, gateIdle, `${num(gateIdle, 1)} MB`, (v) => v <= 60);
    const linkIdle = mem(p, 'idleBackRss') / MB;
    add('Idle Link RSS ≤ 50 MB', p, linkIdle, `${num(linkIdle, 1)} MB`, (v) => v <= 50);
  }
  return lines;
}

/** The whole report as Markdown: machine, figures, ratios, goals, notes. */
export function renderReport(results: RunResults, machine: MachineInfo): string {
  const paths = PATH_KEYS.filter((p) => results[p] !== undefined);
  const notes = paths.flatMap((p) => (results[p]?.notes ?? []).map((n) => `- ${PATH_LABELS[p]}: ${n}`));
  const bounds = boundsTable(results, paths);
  const out = [
    `Run of ${machine.date} (${machine.mode}, Gatelink ${machine.build}): ${machine.nproc} cores, ${machine.cpu}, Node ${machine.node}, ` +
      `HAProxy ${machine.haproxy}, Linux ${machine.kernel}; load average ${machine.load}.`,
    '',
    'Median over the rounds, (min–max) when there was more than one round.',
    '',
    ...figuresTable(results, paths),
    '',
    ...ratioTable(results, paths),
    '',
    ...(bounds.length > 0 ? [...bounds, ''] : []),
    ...goalsTable(results, paths),
  ];
  if (notes.length > 0) out.push('', ...notes);
  return `${out.join('\n')}\n`;
}
