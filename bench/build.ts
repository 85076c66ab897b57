import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleCli } from '../scripts/bundle.js';

/** The JavaScript the Gate and Link processes run, and what it was built from. */
export interface BenchBuild {
  readonly entry: string;
  /** `HEAD <short sha>` or `working tree`. */
  readonly source: string;
}

/**
 * Build the Gatelink sources under `<root>/.bench/build/dist` exactly as `npm run build` does
 * (scripts/bundle.ts), the way an operator runs the built package: no TypeScript loader in the
 * processes whose memory is measured. By default the committed tree (`HEAD`) is built, so
 * a run measures a known commit; `fromWorkingTree` builds the files as they are on disk.
 * The staging directory sits inside the checkout so packages resolve from its node_modules.
 */
export async function buildForBench(root: string, fromWorkingTree: boolean): Promise<BenchBuild> {
  const stage = join(root, '.bench', 'build');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  let source = 'working tree';
  if (fromWorkingTree) {
    cpSync(join(root, 'src'), join(stage, 'src'), { recursive: true });
    cpSync(join(root, 'package.json'), join(stage, 'package.json'));
  } else {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const tar = execFileSync('git', ['archive', '--format=tar', 'HEAD', 'src', 'package.json'], {
      cwd: root,
      maxBuffer: 256 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', stage], { input: tar });
    source = `HEAD ${sha}`;
  }
  const entry = await bundleCli(join(stage, 'src'), join(stage, 'dist'));
  return { entry, source };
}
