import type { Command } from 'commander';

/** Placeholder until the gate command is wired. */
export function registerGateCommand(program: Command): void {
  program.command('gate').description('not wired yet').action(() => {
    throw new Error('gate: not implemented');
  });
}
