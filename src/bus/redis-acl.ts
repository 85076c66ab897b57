/**
 * Least-privilege Redis ACL rules for each role, matching the key names in redis-keys.ts.
 * docs/multi-host.md prints them as `ACL SETUSER` lines; redis-bus.test.ts applies them to a
 * real server and runs each role's bus calls under them, so the documentation cannot drift.
 */

/** Commands every role's connection uses: readiness, naming, db selection, pub/sub upkeep. */
const CONNECTION = ['+ping', '+select', '+client|setname', '+quit', '+subscribe', '+unsubscribe'];

/**
 * A Hub: everything under the prefix (it writes the config, the views, reads the logs), but
 * no server administration.
 */
export function hubAclRules(prefix: string): string[] {
  return ['resetkeys', 'resetchannels', `~${prefix}*`, `&${prefix}*`, '+@all', '-@dangerous'];
}

/**
 * A Gate: reads the config (read-only key), keeps its presence and the index, adds traffic,
 * writes log events. It cannot change the config nor read any Link view.
 */
export function gateAclRules(prefix: string): string[] {
  return [
    'resetkeys',
    'resetchannels',
    '-@all',
    ...CONNECTION,
    // config: read-only
    `%R~${prefix}config`,
    '+hget',
    '+hmget',
    // presence: own key with TTL, index, change notices; the prune script checks keys itself
    `~${prefix}gate:*`,
    `~${prefix}gates`,
    '+set',
    '+mget',
    '+del',
    '+exists',
    '+zadd',
    '+zrange',
    '+zrem',
    '+evalsha',
    '+eval',
    '+multi',
    '+exec',
    '+discard',
    '+publish',
    // traffic counters and log events
    `~${prefix}traffic`,
    '+hincrby',
    '+hset',
    `~${prefix}logs`,
    '+xadd',
    `&${prefix}config`,
    `&${prefix}gates`,
  ];
}

/**
 * A redis-mode Link: reads one agent's view and follows its channel, nothing else. With a
 * token hash the user is bound to that agent; without, to every view (all agents' routes).
 */
export function linkAclRules(prefix: string, tokenHash?: string): string[] {
  const view = `${prefix}view:${tokenHash ?? '*'}`;
  return ['resetkeys', 'resetchannels', '-@all', ...CONNECTION, `%R~${view}`, '+get', `&${view}`];
}
