import { Command } from 'commander';
import { createGate } from '../gate/gate.js';
import { createLogger } from '../shared/logger.js';
import { createBus } from './create-bus.js';
import { addGateOptions, gateConfigFromOptions, type GateCliOptions } from './gate-command.js';
import { addHubOptions, closeOnSignals, startHub, type HubOptions } from './hub-command.js';

type AllOptions = HubOptions & GateCliOptions;

function fail(err: unknown): never {
  process.stderr.write(`gatelink: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

async function runAll(o: AllOptions): Promise<void> {
  const log = createLogger({ level: o.logLevel, name: 'gatelink' });
  const gateConfig = gateConfigFromOptions(o);
  const bus = await createBus({
    redisUrl: o.redisUrl,
    prefix: o.redisPrefix,
    redisCaFile: o.redisCa,
    role: 'all',
    log,
  });
  const hub = await startHub(o, log.child({ part: 'hub' }), bus);
  const gateLog = log.child({ part: 'gate' });
  const gate = createGate({ config: gateConfig, log: gateLog, bus });
  const ports = await gate.start();
  gateLog.info({ id: gateConfig.id, ...ports, tls: gateConfig.tunnelTls }, 'gate listening');
  // The Gate first, so players are turned away before the Hub and the bus go.
  closeOnSignals(log, [gate, hub, bus]);
}

/** `gatelink all` (what `npm start` runs): a Hub and a Gate in one process on the memory bus. */
export function registerAllCommand(program: Command): void {
  const cmd = program
    .command('all')
    .description(
      'Run a Hub and a Gate in one process (the single-host default; memory bus unless --redis-url)',
    );
  addGateOptions(addHubOptions(cmd)).action((o: AllOptions) => runAll(o).catch(fail));
}
