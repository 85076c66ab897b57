/** The command that starts a Link for an agent, ready to paste on the server. */
import type { Agent } from '../api/types.js';

/** The port the push listener must use: the one in push_url, 9000 otherwise. */
function listenPort(pushUrl: string | null): string {
  if (!pushUrl) return '9000';
  try {
    const u = new URL(pushUrl);
    return u.port || (u.protocol === 'https:' ? '443' : '80');
  } catch {
    return '9000';
  }
}

/** `gatelink link …` for the agent's mode; redis mode keeps a placeholder for the URL. */
export function linkCommand(agent: Pick<Agent, 'mode' | 'token' | 'push_url'>): string {
  return agent.mode === 'push'
    ? `gatelink link --token ${agent.token} --listen 0.0.0.0:${listenPort(agent.push_url)}`
    : `gatelink link --token ${agent.token} --redis <REDIS_URL>`;
}
