import { Command } from 'commander';
import { registerAllCommand } from './all-command.js';
import { registerGateCommand } from './gate-command.js';
import { registerHubCommand } from './hub-command.js';
import { registerLinkCommand } from './link-command.js';
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

const program = new Command('gatelink')
  .description('Gatelink: public Gates, private Links and a Hub that drives them.')
  .version(VERSION)
  .showHelpAfterError();

registerHubCommand(program);
registerGateCommand(program);
registerLinkCommand(program);
registerAllCommand(program);

await program.parseAsync(normalizeArgs(process.argv.slice(2)), { from: 'user' });
