/** Create or edit a route; API validation errors land on the field they name. */
import type { FormEvent } from 'react';
import { api } from '../api/client.js';
import type { Agent, Route, RouteInput } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { ErrorNote, SelectField, TextField } from '../components/field.js';
import { FormActions } from '../components/form-actions.js';
import { fieldError, formError } from '../components/form-error.js';
import { bindDraft } from '../lib/bind-draft.js';
import { useAction } from '../lib/use-action.js';
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
  const { busy, error, run } = useAction();
  const field = bindDraft(draft, patch, error);
  const proxyError = fieldError(error, 'proxy_protocol');

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    await run(async () => {
      const saved = route
        ? await api<Route>('PUT', `/routes/${route.ID}`, toInput(draft))
        : await api<Route>('POST', '/routes', toInput(draft));
      clearDraft();
      onSaved(saved);
    });
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
          {...field('domain')}
          placeholder="play.example.com"
          hint="A hostname, or *.example.com for every subdomain."
          autoCapitalize="none"
          spellCheck={false}
          data-autofocus
          wide
        />
        <TextField
          label="Target address"
          {...field('target_ip')}
          hint="IP or hostname, as seen from the Link."
          autoCapitalize="none"
          spellCheck={false}
        />
        <TextField
          label="Target port"
          {...field('target_port')}
          inputMode="numeric"
          hint="1–65535"
        />
        <SelectField
          label="Agent"
          {...field('agent_id')}
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
        <div className={`field field--check${proxyError ? ' field--invalid' : ''}`}>
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
          {proxyError && (
            <p className="field__error" role="alert">
              {proxyError}
            </p>
          )}
        </div>
        <div className="span-2">
          <ErrorNote>{formError(error, FIELDS)}</ErrorNote>
        </div>
        <FormActions
          busy={busy}
          submitLabel={route ? 'Save route' : 'Create route'}
          onCancel={close}
          className="span-2"
        />
      </form>
    </Dialog>
  );
}
