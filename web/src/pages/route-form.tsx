/** Create or edit a route; API validation errors land on the field they name. */
import { useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import type { Agent, Route, RouteInput } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { ErrorNote, SelectField, TextField } from '../components/field.js';
import { fieldError, formError } from '../components/form-error.js';
import { useDraft } from '../lib/use-draft.js';

const FIELDS = ['domain', 'target_ip', 'target_port', 'agent_id', 'proxy_protocol'] as const;

interface Draft {
  domain: string;
  target_ip: string;
  target_port: string;
  agent_id: string;
  proxy_protocol: boolean;
}

function toDraft(route: Route | undefined, agents: readonly Agent[]): Draft {
  return route
    ? {
        domain: route.domain,
        target_ip: route.target_ip,
        target_port: String(route.target_port),
        agent_id: String(route.agent_id),
        proxy_protocol: route.proxy_protocol,
      }
    : {
        domain: '',
        target_ip: '127.0.0.1',
        target_port: '25565',
        agent_id: agents.length === 1 ? String(agents[0]!.ID) : '',
        proxy_protocol: false,
      };
}

/** Sends what was typed; the Hub is the one that validates, so its message is the one shown. */
function toInput(d: Draft): RouteInput {
  const port = d.target_port.trim();
  return {
    domain: d.domain.trim(),
    target_ip: d.target_ip.trim(),
    target_port: port === '' ? null : Number(port),
    agent_id: d.agent_id === '' ? null : Number(d.agent_id),
    proxy_protocol: d.proxy_protocol,
  };
}

interface RouteFormProps {
  route: Route | undefined;
  agents: readonly Agent[];
  onSaved: (route: Route) => void;
  onClose: () => void;
}

/** A dialog with the route's fields. */
export function RouteForm({ route, agents, onSaved, onClose }: RouteFormProps) {
  const [draft, patch, clearDraft] = useDraft<Draft>(
    `gatelink.route-draft:${route?.ID ?? 'new'}`,
    () => toDraft(route, agents),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const saved = route
        ? await api<Route>('PUT', `/routes/${route.ID}`, toInput(draft))
        : await api<Route>('POST', '/routes', toInput(draft));
      clearDraft();
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function close(): void {
    clearDraft();
    onClose();
  }

  return (
    <Dialog title={route ? `Edit ${route.domain}` : 'New route'} onClose={close} wide>
      <form className="dialog__body form-grid" onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label="Domain"
          name="domain"
          placeholder="play.example.com"
          hint="A hostname, or *.example.com for every subdomain."
          autoCapitalize="none"
          spellCheck={false}
          value={draft.domain}
          onChange={(e) => patch({ domain: e.target.value })}
          error={fieldError(error, 'domain')}
          data-autofocus
          wide
        />
        <TextField
          label="Target address"
          name="target_ip"
          hint="IP or hostname, as seen from the Link."
          autoCapitalize="none"
          spellCheck={false}
          value={draft.target_ip}
          onChange={(e) => patch({ target_ip: e.target.value })}
          error={fieldError(error, 'target_ip')}
        />
        <TextField
          label="Target port"
          name="target_port"
          inputMode="numeric"
          hint="1–65535"
          value={draft.target_port}
          onChange={(e) => patch({ target_port: e.target.value })}
          error={fieldError(error, 'target_port')}
        />
        <SelectField
          label="Agent"
          name="agent_id"
          value={draft.agent_id}
          onChange={(e) => patch({ agent_id: e.target.value })}
          error={fieldError(error, 'agent_id')}
          hint={
            agents.length === 0 ? 'Create an agent first.' : 'The Link that reaches the target.'
          }
        >
          <option value="">Choose an agent…</option>
          {agents.map((a) => (
            <option key={a.ID} value={a.ID}>
              {a.name} (#{a.ID}) — {!a.enabled ? 'disabled' : a.online ? 'online' : 'offline'}
            </option>
          ))}
        </SelectField>
        <div
          className={`field field--check${fieldError(error, 'proxy_protocol') ? ' field--invalid' : ''}`}
        >
          <label>
            <input
              type="checkbox"
              name="proxy_protocol"
              checked={draft.proxy_protocol}
              onChange={(e) => patch({ proxy_protocol: e.target.checked })}
            />
            Send PROXY protocol v2
          </label>
          <p className="field__hint">
            The backend learns the player’s real address (Paper, Velocity, BungeeCord).
          </p>
          {fieldError(error, 'proxy_protocol') && (
            <p className="field__error" role="alert">
              {fieldError(error, 'proxy_protocol')}
            </p>
          )}
        </div>
        <div className="span-2">
          <ErrorNote>{formError(error, FIELDS)}</ErrorNote>
        </div>
        <div className="actions span-2">
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy}>
            {busy ? 'Saving…' : route ? 'Save route' : 'Create route'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
