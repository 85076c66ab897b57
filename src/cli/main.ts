import { Command } from 'commander';
import { VERSION } from '../shared/version.js';

/**
 * The published Hub CLI uses Go-style single-dash long flags (`./hub -gen-token hub_admin`).
 * Accept them by rewriting `-word-word` to `--word-word`; single-letter flags are untouched.
 */
export function normalizeArgs(args: readonly string[]): string[] {
  return args.map((a) =>
    /^-[a-z][a-z0-9]*-?[a-z0-9-]+(=.*)?$/i.test(a) && a.length > 2 ? `-${a}` : a,
  );
}

type Register = (program: Command) => void;

// Each command is loaded only when it runs: a Gate or a Link must not carry the Hub's web
// framework, database drivers and password hashing in memory (about 35 MB of idle RSS).
const COMMANDS: Record<string, () => Promise<Register>> = {
  hub: async () => (await import('./hub-command.js')).registerHubCommand,
  gate: async () => (await import('./gate-command.js')).registerGateCommand,
  link: async () => (await import('./link-command.js')).registerLinkCommand,
  all: async () => (await import('./all-command.js')).registerAllCommand,
};

const args = normalizeArgs(process.argv.slice(2));
const program = new Command('gatelink')
  .description('Gatelink: public Gates, private Links and a Hub that drives them.')
  .version(VERSION)
  .showHelpAfterError();

const chosen = args[0] !== undefined ? COMMANDS[args[0]] : undefined;
for (const load of chosen ? [chosen] : Object.values(COMMANDS)) (await load())(program);

await program.parseAsync(args, { from: 'user' });
