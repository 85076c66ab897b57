/** Agents (Links): create, token and start command, rotate, enable/disable, delete. */
import { useEffect, useMemo, useState } from 'react';
import { ApiError, api, errorMessage } from '../api/client.js';
import type { Agent, Route } from '../api/types.js';
import { Empty, PageHead, Skeleton, StatusBadge } from '../components/bits.js';
import { ConfirmDialog } from '../components/dialog.js';
import { DoneDialog } from '../components/done-dialog.js';
import { ErrorNote } from '../components/field.js';
import { LoadError } from '../components/load-error.js';
import { CommandBox, Secret } from '../components/secret.js';
import { notify } from '../components/toast.js';
import { formatRelative } from '../lib/format.js';
import { Link, setQuery, useLocation } from '../lib/router.js';
import { upsertById } from '../lib/upsert.js';
import { useAction } from '../lib/use-action.js';
import { usePoll } from '../lib/use-poll.js';
import { AgentForm } from './agent-form.js';
import { linkCommand } from './link-command.js';

type Pending =
  | { kind: 'rotate'; agent: Agent }
  | { kind: 'delete'; agent: Agent; cascade: boolean }
  | { kind: 'token'; agent: Agent; title: string };

function cascadeLabel(count: number | undefined): string {
  if (count === 1) return 'Delete agent and its route';
  return count ? `Delete agent and its ${count} routes` : 'Delete agent and its routes';
}

/** The agents page; the open form lives in the URL (`?edit=new`, `?edit=5`). */
export function AgentsPage() {
  const { query } = useLocation();
  const editing = query.get('edit');
  const agents = usePoll(() => api<Agent[]>('GET', '/agents'), 5000);
  const routes = usePoll(() => api<Route[]>('GET', '/routes'), 15000);
  const [pending, setPending] = useState<Pending | undefined>(undefined);
  const dialogAction = useAction();
  const [actionError, setActionError] = useState<{ id: number; text: string } | undefined>(
    undefined,
  );

  const routeCount = useMemo(() => {
    const m = new Map<number, number>();
    for (const r of routes.data ?? []) m.set(r.agent_id, (m.get(r.agent_id) ?? 0) + 1);
    return m;
  }, [routes.data]);

  // Links from the routes page point at one agent (#agent-5): bring it into view once loaded.
  const loaded = agents.data !== undefined;
  useEffect(() => {
    if (!loaded || !location.hash) return;
    const el = document.getElementById(location.hash.slice(1));
    el?.scrollIntoView({ block: 'start' });
    el?.focus({ preventScroll: true });
  }, [loaded]);

  const editAgent =
    editing && editing !== 'new' ? agents.data?.find((a) => String(a.ID) === editing) : undefined;
  const formOpen = editing === 'new' || editAgent !== undefined;

  function replace(saved: Agent): void {
    agents.setData((list) => upsertById(list, saved));
  }

  function open(p: Pending): void {
    dialogAction.reset();
    setPending(p);
  }

  async function toggle(agent: Agent): Promise<void> {
    setActionError(undefined);
    try {
      replace(await api<Agent>('PUT', `/agents/${agent.ID}`, { enabled: !agent.enabled }));
      notify(`${agent.name} ${agent.enabled ? 'disabled' : 'enabled'}`);
    } catch (err) {
      setActionError({ id: agent.ID, text: errorMessage(err) });
    }
  }

  async function confirm(): Promise<void> {
    if (!pending || pending.kind === 'token') return;
    const { agent } = pending;
    await dialogAction.run(async () => {
      try {
        if (pending.kind === 'rotate') {
          const saved = await api<Agent>('POST', `/agents/${agent.ID}/reset-token`);
          replace(saved);
          setPending({ kind: 'token', agent: saved, title: 'New token' });
        } else {
          await api('DELETE', `/agents/${agent.ID}${pending.cascade ? '?cascade=true' : ''}`);
          agents.setData((list) => list?.filter((a) => a.ID !== agent.ID));
          if (pending.cascade)
            routes.setData((list) => list?.filter((r) => r.agent_id !== agent.ID));
          notify(`Agent ${agent.name} deleted`);
          setPending(undefined);
        }
      } catch (err) {
        // Routes still use the agent: the same dialog now offers to delete them with it.
        if (
          pending.kind === 'delete' &&
          err instanceof ApiError &&
          err.code === 'HUB_ERR_AGENT_IN_USE'
        )
          setPending({ ...pending, cascade: true });
        throw err;
      }
    });
  }

  // Rotating and deleting both confirm through `confirm` and close the same way.
  const confirmProps = {
    danger: true,
    busy: dialogAction.busy,
    error: dialogAction.message,
    onConfirm: () => void confirm(),
    onClose: () => setPending(undefined),
  };

  return (
    <section>
      <PageHead title="Agents">
        <button
          type="button"
          className="btn btn--primary"
          onClick={() => setQuery({ edit: 'new' }, { replace: false })}
        >
          New agent
        </button>
      </PageHead>
      <LoadError what="agents" error={agents.error} />
      <div className="cards">
        {agents.data === undefined &&
          Array.from({ length: 2 }, (_, i) => (
            <div key={i} className="panel agent agent--skeleton">
              <Skeleton width="40%" height="1.4rem" />
              <Skeleton height="5rem" />
            </div>
          ))}
        {agents.data?.length === 0 && (
          <Empty>No agents yet. An agent is a Link installed next to your game servers.</Empty>
        )}
        {agents.data?.map((a) => {
          const count = routeCount.get(a.ID) ?? 0;
          return (
            <article
              key={a.ID}
              className="panel agent"
              id={`agent-${a.ID}`}
              tabIndex={-1}
              aria-labelledby={`agent-${a.ID}-name`}
            >
              <header className="agent__head">
                <h2 id={`agent-${a.ID}-name`}>{a.name}</h2>
                <span className="agent__badges">
                  <StatusBadge
                    ok={a.online && a.enabled}
                    badText={a.enabled ? 'offline' : 'disabled'}
                    muted={!a.enabled}
                  />
                  <span className="badge badge--muted">{a.mode}</span>
                  <span className="muted small">#{a.ID}</span>
                </span>
              </header>
              <dl className="facts">
                <div>
                  <dt>Gates</dt>
                  <dd>
                    {a.gates.length ? a.gates.join(', ') : <span className="muted">none</span>}
                  </dd>
                </div>
                <div>
                  <dt>Sessions</dt>
                  <dd>{a.sessions}</dd>
                </div>
                <div>
                  <dt>Routes</dt>
                  <dd>
                    {routes.data ? (
                      <Link href={`/routes?agent=${a.ID}`}>{count}</Link>
                    ) : (
                      <Skeleton width="2ch" />
                    )}
                  </dd>
                </div>
                {a.mode === 'push' && (
                  <div className="facts__wide">
                    <dt>Push URL</dt>
                    <dd className="mono break">{a.push_url}</dd>
                  </div>
                )}
                <div>
                  <dt>Created</dt>
                  <dd title={a.CreatedAt}>{formatRelative(a.CreatedAt)}</dd>
                </div>
              </dl>
              <Secret label={`Token of ${a.name}`} value={a.token} />
              <CommandBox label="Start the Link on the server" command={linkCommand(a)} />
              {a.mode === 'redis' && (
                <p className="field__hint">
                  Replace &lt;REDIS_URL&gt; with the Redis URL the Hub and Gates use.
                </p>
              )}
              {actionError?.id === a.ID && <ErrorNote>{actionError.text}</ErrorNote>}
              <div className="agent__actions">
                <button type="button" className="btn btn--small" onClick={() => void toggle(a)}>
                  {a.enabled ? 'Disable' : 'Enable'}
                </button>
                <button
                  type="button"
                  className="btn btn--small"
                  onClick={() => setQuery({ edit: String(a.ID) }, { replace: false })}
                >
                  Edit
                </button>
                <button
                  type="button"
                  className="btn btn--small"
                  onClick={() => open({ kind: 'rotate', agent: a })}
                >
                  Rotate token
                </button>
                <button
                  type="button"
                  className="btn btn--small btn--danger-ghost"
                  onClick={() => open({ kind: 'delete', agent: a, cascade: false })}
                >
                  Delete
                </button>
              </div>
            </article>
          );
        })}
      </div>

      {formOpen && (
        <AgentForm
          key={editing}
          agent={editAgent}
          onClose={() => setQuery({ edit: null })}
          onSaved={(saved, created) => {
            replace(saved);
            setQuery({ edit: null });
            if (created)
              open({ kind: 'token', agent: saved, title: `Agent ${saved.name} created` });
            else notify(`Agent ${saved.name} saved`);
          }}
        />
      )}
      {pending?.kind === 'rotate' && (
        <ConfirmDialog title="Rotate token?" confirmLabel="Rotate token" {...confirmProps}>
          <p>
            <strong>{pending.agent.name}</strong> gets a new token. The old one stops working at
            once and its running Links disconnect until they are restarted with the new token.
          </p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'delete' && (
        <ConfirmDialog
          title="Delete agent?"
          confirmLabel={
            pending.cascade ? cascadeLabel(routeCount.get(pending.agent.ID)) : 'Delete agent'
          }
          {...confirmProps}
        >
          <p>
            <strong>{pending.agent.name}</strong> and its token are removed; its Links disconnect.
            {pending.cascade &&
              ' Its routes are deleted too, and players can no longer reach those domains.'}
          </p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'token' && (
        <DoneDialog title={pending.title} onClose={() => setPending(undefined)}>
          <p>
            Start the Link on the server next to the game servers with this command. The token is
            its password: keep it secret.
          </p>
          <Secret label={`Token of ${pending.agent.name}`} value={pending.agent.token} revealed />
          <CommandBox label="Start the Link" command={linkCommand(pending.agent)} />
        </DoneDialog>
      )}
    </section>
  );
}
