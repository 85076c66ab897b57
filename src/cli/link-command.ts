import type { Command } from 'commander';

/** Placeholder until the link command is wired. */
export function registerLinkCommand(program: Command): void {
  program.command('link').description('not wired yet').action(() => {
    throw new Error('link: not implemented');
  });
}
