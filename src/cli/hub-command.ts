import type { Command } from 'commander';

/** Placeholder until the hub command is wired. */
export function registerHubCommand(program: Command): void {
  program.command('hub').description('not wired yet').action(() => {
    throw new Error('hub: not implemented');
  });
}
