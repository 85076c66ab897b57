import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Transpile `src/` to JavaScript under `<root>/.bench/` (same depth as `dist/`, so paths such as
 * `../../package.json` still resolve), the way an operator runs the built package: no TypeScript
 * loader in the Gate and Link processes, whose memory is measured. Type-checking is `tsc`'s job.
 * Returns the CLI entry.
 */
export async function buildForBench(root: string): Promise<string> {
  const src = join(root, 'src');
  const out = join(root, '.bench');
  const entryPoints = (readdirSync(src, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(src, file));
  for (const dir of readdirSync(src, { withFileTypes: true })) {
    if (dir.isDirectory()) rmSync(join(out, dir.name), { recursive: true, force: true });
  }
  await build({
    entryPoints,
    outdir: out,
    outbase: src,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'error',
  });
  return join(out, 'cli', 'main.js');
}
