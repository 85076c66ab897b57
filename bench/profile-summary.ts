import { readFileSync } from 'node:fs';

// Summarise a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): self time per function,
// heaviest first. Usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-summary <file.cpuprofile> [top]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let totalMs = 0;
profile.samples.forEach((id, i) => {
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  totalMs += ms;
  const node = byId.get(id);
  if (!node) return;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*\/(node_modules|\.bench|src)\//, '$1/')}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + ms);
});
const idle = self.get('(idle)') ?? 0;
process.stdout.write(`${file}: ${totalMs.toFixed(0)} ms sampled, ${(totalMs - idle).toFixed(0)} ms busy\n`);
for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25))) {
  process.stdout.write(`${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / (totalMs - idle)).toFixed(1).padStart(5)}%  ${key}\n`);
}
