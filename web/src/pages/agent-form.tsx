/** Create an agent or change its name, mode and push URL. */
import type { FormEvent } from 'react';
import { api } from '../api/client.js';
import type { Agent, AgentMode } from '../api/types.js';
import { Dialog } from '../components/dialog.js';
import { ErrorNote, TextField } from '../components/field.js';
import { FormActions } from '../components/form-actions.js';
import { fieldError, formError } from '../components/form-error.js';
import { bindDraft } from '../lib/bind-draft.js';
import { useAction } from '../lib/use-action.js';
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
  const { busy, error, run } = useAction();
  const field = bindDraft(draft, patch, error);

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    const body = {
      name: draft.name.trim(),
      mode: draft.mode,
      ...(draft.mode === 'push'
        ? { push_url: draft.push_url.trim() }
        : agent
          ? { push_url: null }
          : {}),
    };
    await run(async () => {
      const saved = agent
        ? await api<Agent>('PUT', `/agents/${agent.ID}`, body)
        : await api<Agent>('POST', '/agents', body);
      clearDraft();
      onSaved(saved, !agent);
    });
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
          {...field('name')}
          placeholder="Dedicated server 01"
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
            {...field('push_url')}
            type="url"
            inputMode="url"
            placeholder="http://10.0.0.5:9000"
            hint="Where the Hub reaches the Link’s listener."
            autoCapitalize="none"
            spellCheck={false}
          />
        )}
        <ErrorNote>
          {formError(
            error,
            draft.mode === 'push' ? FIELDS : FIELDS.filter((f) => f !== 'push_url'),
          )}
        </ErrorNote>
        <FormActions
          busy={busy}
          submitLabel={agent ? 'Save agent' : 'Create agent'}
          onCancel={close}
        />
      </form>
    </Dialog>
  );
}
