/** Routes: search and page through thousands, create, edit and delete. */
import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { api, errorMessage } from '../api/client.js';
import type { Agent, Route } from '../api/types.js';
import { Empty, PageHead, Skeleton, StatusBadge } from '../components/bits.js';
import { ConfirmDialog } from '../components/dialog.js';
import { LoadError } from '../components/load-error.js';
import { Pager } from '../components/pager.js';
import { SkeletonRows, TableHead } from '../components/table-parts.js';
import { notify } from '../components/toast.js';
import { Link, setQuery, useLocation } from '../lib/router.js';
import { upsertById } from '../lib/upsert.js';
import { useAction } from '../lib/use-action.js';
import { usePoll } from '../lib/use-poll.js';
import { RouteForm } from './route-form.js';

const PAGE_SIZE = 50;

function matches(route: Route, agent: Agent | undefined, terms: string[]): boolean {
  const hay =
    `${route.domain} ${route.target_ip}:${route.target_port} ${agent?.name ?? ''} #${route.agent_id}`.toLowerCase();
  return terms.every((t) => hay.includes(t));
}

/** The routes page; search, page, agent filter and the open form live in the URL. */
export function RoutesPage() {
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const agentFilter = query.get('agent');
  const editing = query.get('edit');
  const page = Math.max(1, Number(query.get('page')) || 1);

  const routes = usePoll(() => api<Route[]>('GET', '/routes'), 15000);
  const agents = usePoll(() => api<Agent[]>('GET', '/agents'), 5000);
  const [search, setSearch] = useState(q);
  // Back and Forward change the address under the box: follow it.
  useEffect(() => setSearch(q), [q]);
  const deferred = useDeferredValue(search);
  const [deleting, setDeleting] = useState<Route | undefined>(undefined);
  const removal = useAction();

  const agentById = useMemo(
    () => new Map((agents.data ?? []).map((a) => [a.ID, a])),
    [agents.data],
  );

  const filtered = useMemo(() => {
    const terms = deferred.toLowerCase().split(/\s+/).filter(Boolean);
    const wantAgent = agentFilter ? Number(agentFilter) : undefined;
    return (routes.data ?? []).filter(
      (r) =>
        (wantAgent === undefined || r.agent_id === wantAgent) &&
        matches(r, agentById.get(r.agent_id), terms),
    );
  }, [routes.data, deferred, agentFilter, agentById]);

  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const rows = filtered.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
  const editRoute =
    editing && editing !== 'new' ? routes.data?.find((r) => String(r.ID) === editing) : undefined;
  const formOpen = editing === 'new' || (editing !== null && editRoute !== undefined);

  function onSearch(value: string): void {
    setSearch(value);
    setQuery({ q: value, page: null });
  }

  async function confirmDelete(): Promise<void> {
    if (!deleting) return;
    await removal.run(async () => {
      await api('DELETE', `/routes/${deleting.ID}`);
      routes.setData((list) => list?.filter((r) => r.ID !== deleting.ID));
      notify(`Route ${deleting.domain} deleted`);
      setDeleting(undefined);
    });
  }

  const loading = routes.data === undefined;
  return (
    <section>
      <PageHead title="Routes">
        <button
          type="button"
          className="btn btn--primary"
          onClick={() => setQuery({ edit: 'new' }, { replace: false })}
        >
          New route
        </button>
      </PageHead>
      <div className="toolbar">
        <label className="search">
          <span className="visually-hidden">Search routes</span>
          <input
            type="search"
            placeholder="Search domain, target or agent…"
            value={search}
            onChange={(e) => onSearch(e.target.value)}
          />
        </label>
        {agentFilter && (
          <span className="chip">
            Agent: {agentById.get(Number(agentFilter))?.name ?? `#${agentFilter}`}
            <button
              type="button"
              className="chip__x"
              aria-label="Show routes of every agent"
              onClick={() => setQuery({ agent: null, page: null })}
            >
              ✕
            </button>
          </span>
        )}
      </div>
      <LoadError what="routes" error={routes.error} />
      <div className="panel panel--flush">
        <table className="table table--cards">
          <TableHead columns={['Domain', 'Target', 'Agent', 'PROXY v2']} actions />
          <tbody>
            {loading && <SkeletonRows rows={8} columns={5} />}
            {rows.map((r) => {
              const agent = agentById.get(r.agent_id);
              return (
                <tr key={r.ID}>
                  <td data-label="Domain" className="strong break">
                    {r.domain}
                  </td>
                  <td data-label="Target" className="mono break">
                    {r.target_ip}:{r.target_port}
                  </td>
                  <td data-label="Agent">
                    {agent ? (
                      <span className="agent-cell">
                        <Link href={`/agents#agent-${agent.ID}`}>{agent.name}</Link>
                        <StatusBadge
                          ok={agent.online && agent.enabled}
                          badText={agent.enabled ? 'offline' : 'disabled'}
                        />
                      </span>
                    ) : agents.data ? (
                      <span className="muted">#{r.agent_id} (missing)</span>
                    ) : (
                      <Skeleton width="8ch" />
                    )}
                  </td>
                  <td data-label="PROXY v2">{r.proxy_protocol ? 'on' : 'off'}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="btn btn--small"
                      onClick={() => setQuery({ edit: String(r.ID) }, { replace: false })}
                      aria-label={`Edit ${r.domain}`}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="btn btn--small btn--danger-ghost"
                      onClick={() => {
                        removal.reset();
                        setDeleting(r);
                      }}
                      aria-label={`Delete ${r.domain}`}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {!loading && filtered.length === 0 && (
          <Empty>
            {routes.data?.length
              ? 'No route matches this search.'
              : 'No routes yet. Create one to send a domain to a game server.'}
          </Empty>
        )}
      </div>
      {!loading && (
        <Pager
          page={current}
          pageSize={PAGE_SIZE}
          total={filtered.length}
          what="routes"
          onPage={(p) => setQuery({ page: p > 1 ? String(p) : null })}
        />
      )}
      {formOpen && agents.data && (
        <RouteForm
          key={editing}
          route={editRoute}
          agents={agents.data}
          onClose={() => setQuery({ edit: null })}
          onSaved={(saved) => {
            routes.setData((list) => upsertById(list, saved));
            notify(editRoute ? `Route ${saved.domain} saved` : `Route ${saved.domain} created`);
            setQuery({ edit: null });
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete route?"
          confirmLabel="Delete route"
          danger
          busy={removal.busy}
          error={removal.message}
          onConfirm={() => void confirmDelete()}
          onClose={() => setDeleting(undefined)}
        >
          <p>
            Players will no longer reach <strong>{deleting.domain}</strong>. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
