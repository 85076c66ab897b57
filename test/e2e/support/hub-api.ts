/** A client of the Hub's REST API over real HTTP, as a hosting panel would use it. */

/** A route as the API answers it. */
export interface RouteJson {
  ID: number;
  domain: string;
  target_ip: string;
  target_port: number;
  agent_id: number;
  proxy_protocol: boolean;
}

/** An agent as the API answers it. */
export interface AgentJson {
  ID: number;
  name: string;
  mode: 'push' | 'redis';
  push_url: string | null;
  token: string;
  enabled: boolean;
  online: boolean;
  gates: string[];
  sessions: number;
}

/** A log entry of `GET /api/logs`. */
export interface LogJson {
  ID: number;
  time: string;
  level: 'info' | 'warn' | 'error';
  source: string;
  actor?: string | null;
  message: string;
  meta?: Record<string, unknown> | null;
}

/** An answer: status and parsed JSON body. */
export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

/** Thrown when a call the test expects to succeed does not. */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path} answered ${status}: ${JSON.stringify(body)}`);
  }
}

/** The Hub API at `baseUrl` (`http://127.0.0.1:port`), authenticated once logged in. */
export class HubApi {
  token = '';

  constructor(readonly baseUrl: string) {}

  /** Log in and keep the session token for later calls. */
  static async login(baseUrl: string, username: string, password: string): Promise<HubApi> {
    const api = new HubApi(baseUrl);
    const res = await api.request<{ token: string }>(
      'POST',
      '/api/login',
      { username, password },
      null,
    );
    if (res.status !== 200) throw new ApiError('POST', '/api/login', res.status, res.body);
    api.token = res.body.token;
    return api;
  }

  /** One call; never throws on an HTTP error status. `token: null` sends none. */
  async request<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    token: string | null = this.token,
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {};
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Keep the text: the assertion that fails shows it.
    }
    return { status: res.status, body: parsed as T };
  }

  /** A call that must answer 2xx; its body. */
  async ok<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await this.request<T>(method, path, body);
    if (res.status < 200 || res.status > 299)
      throw new ApiError(method, path, res.status, res.body);
    return res.body;
  }

  createAgent(input: {
    name: string;
    mode: 'push' | 'redis';
    push_url?: string;
  }): Promise<AgentJson> {
    return this.ok<AgentJson>('POST', '/api/agents', input);
  }

  updateAgent(
    id: number,
    patch: Partial<Pick<AgentJson, 'name' | 'mode' | 'push_url' | 'enabled'>>,
  ): Promise<AgentJson> {
    return this.ok<AgentJson>('PUT', `/api/agents/${id}`, patch);
  }

  getAgent(id: number): Promise<AgentJson> {
    return this.ok<AgentJson>('GET', `/api/agents/${id}`);
  }

  resetToken(id: number): Promise<AgentJson> {
    return this.ok<AgentJson>('POST', `/api/agents/${id}/reset-token`);
  }

  createRoute(
    input: Omit<RouteJson, 'ID' | 'proxy_protocol'> & { proxy_protocol?: boolean },
  ): Promise<RouteJson> {
    return this.ok<RouteJson>('POST', '/api/routes', input);
  }

  deleteRoute(id: number): Promise<{ success: boolean }> {
    return this.ok('DELETE', `/api/routes/${id}`);
  }

  logs(query = ''): Promise<LogJson[]> {
    return this.ok<LogJson[]>('GET', `/api/logs${query ? `?${query}` : ''}`);
  }
}

/** Input for a route from `domain` to `targetPort` on the Link's own loopback. */
export function localRoute(
  domain: string,
  targetPort: number,
  agentId: number,
): Omit<RouteJson, 'ID' | 'proxy_protocol'> {
  return { domain, target_ip: '127.0.0.1', target_port: targetPort, agent_id: agentId };
}
