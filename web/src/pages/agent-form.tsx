/** Create an agent or change its name, mode and push URL. */
import { useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import type { Agent, AgentMode } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { ErrorNote, TextField } from '../components/field.js';
import { fieldError, formError } from '../components/form-error.js';
import { useDraft } from '../lib/use-draft.js';

const FIELDS = ['name', 'mode', 'push_url'] as const;

interface Draft {
  name: string;
  mode: AgentMode;
  push_url: string;
}

interface AgentFormProps {
  agent: Agent | undefined;
  onSaved: (agent: Agent, created: boolean) => void;
  onClose: () => void;
}

/** A dialog with the agent's settings. */
export function AgentForm({ agent, onSaved, onClose }: AgentFormProps) {
  const [draft, patch, clearDraft] = useDraft<Draft>(
    `gatelink.agent-draft:${agent?.ID ?? 'new'}`,
    () => ({
      name: agent?.name ?? '',
      mode: agent?.mode ?? 'push',
      push_url: agent?.push_url ?? '',
    }),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const body = {
      name: draft.name.trim(),
      mode: draft.mode,
      ...(draft.mode === 'push'
        ? { push_url: draft.push_url.trim() }
        : agent
          ? { push_url: null }
          : {}),
    };
    try {
      const saved = agent
        ? await api<Agent>('PUT', `/agents/${agent.ID}`, body)
        : await api<Agent>('POST', '/agents', body);
      clearDraft();
      onSaved(saved, !agent);
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

  const modeError = fieldError(error, 'mode');
  return (
    <Dialog title={agent ? `Edit ${agent.name}` : 'New agent'} onClose={close}>
      <form className="dialog__body" onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label="Name"
          name="name"
          placeholder="Dedicated server 01"
          value={draft.name}
          onChange={(e) => patch({ name: e.target.value })}
          error={fieldError(error, 'name')}
          data-autofocus
        />
        <fieldset className={`field${modeError ? ' field--invalid' : ''}`}>
          <legend>How the Link gets its configuration</legend>
          <label className="radio">
            <input
              type="radio"
              name="mode"
              value="push"
              checked={draft.mode === 'push'}
              onChange={() => patch({ mode: 'push' })}
            />
            <span>
              <strong>Push</strong> — the Hub sends it to the Link over HTTP. The Link needs no
              Redis access.
            </span>
          </label>
          <label className="radio">
            <input
              type="radio"
              name="mode"
              value="redis"
              checked={draft.mode === 'redis'}
              onChange={() => patch({ mode: 'redis' })}
            />
            <span>
              <strong>Redis</strong> — the Link reads it from the shared Redis.
            </span>
          </label>
          {modeError && (
            <p className="field__error" role="alert">
              {modeError}
            </p>
          )}
        </fieldset>
        {draft.mode === 'push' && (
          <TextField
            label="Push URL"
            name="push_url"
            type="url"
            inputMode="url"
            placeholder="http://10.0.0.5:9000"
            hint="Where the Hub reaches the Link’s listener."
            autoCapitalize="none"
            spellCheck={false}
            value={draft.push_url}
            onChange={(e) => patch({ push_url: e.target.value })}
            error={fieldError(error, 'push_url')}
          />
        )}
        <ErrorNote>
          {formError(
            error,
            draft.mode === 'push' ? FIELDS : FIELDS.filter((f) => f !== 'push_url'),
          )}
        </ErrorNote>
        <div className="actions">
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy}>
            {busy ? 'Saving…' : agent ? 'Save agent' : 'Create agent'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
