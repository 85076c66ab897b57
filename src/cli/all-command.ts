import type { Command } from 'commander';

/** Placeholder until the all command is wired. */
export function registerAllCommand(program: Command): void {
  program.command('all').description('not wired yet').action(() => {
    throw new Error('all: not implemented');
  });
}
