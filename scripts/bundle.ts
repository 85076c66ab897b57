/**
 * Bundles the command line and everything it runs into `dist/cli/` with esbuild.
 *
 * One bundle instead of hundreds of module files: a Gate or a Link that loads its few bundled
 * chunks idles about 12 MB lower than the same code loaded file by file (ioredis, pino,
 * prom-client and commander alone are a few hundred files). Chunks are split at the CLI's lazy
 * `import()` of each command, so a Gate or a Link still loads none of the Hub.
 *
 * Left as packages, resolved from node_modules at run time: native addons, and what only the Hub
 * loads (its web framework serves files from its own package folders). Our sources that find
 * files next to themselves (`../../package.json`, `../../web/dist`) keep working because every
 * chunk lands in `dist/cli/`, two levels below the root as in the sources.
 *
 *   node --import tsx scripts/bundle.ts            # writes dist/cli
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Packages loaded from node_modules, not bundled. */
export const EXTERNAL_PACKAGES = [
  // native addons (and pg's optional one)
  'better-sqlite3',
  'argon2',
  'pg-native',
  // the Hub's own stack: large, only in the Hub, and some read files from their package folder
  'fastify',
  '@fastify/*',
  'kysely',
  'pg',
  'jose',
  // the certificate generator, run once per Gate's life
  'selfsigned',
] as const;

/** Bundle `<srcRoot>/cli/main.ts` into `<outRoot>/cli/`, replacing what was there. */
export async function bundleCli(srcRoot: string, outRoot: string): Promise<string> {
  const outdir = join(outRoot, 'cli');
  rmSync(outRoot, { recursive: true, force: true });
  await build({
    entryPoints: [join(srcRoot, 'cli', 'main.ts')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    external: [...EXTERNAL_PACKAGES],
    // Bundled CommonJS packages call require() for Node's built-in modules.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return join(outdir, 'main.js');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  await bundleCli(join(root, 'src'), join(root, 'dist'));
}
