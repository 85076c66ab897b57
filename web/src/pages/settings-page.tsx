/** Settings: the signed-in user's credentials and long-lived API tokens. */
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api/client.js';
import type { ApiToken } from '../api/types.js';
import { Empty, PageHead } from '../components/bits.js';
import { ConfirmDialog } from '../components/dialog.js';
import { DoneDialog } from '../components/done-dialog.js';
import { ErrorNote, TextField } from '../components/field.js';
import { fieldError, formError } from '../components/form-error.js';
import { LoadError } from '../components/load-error.js';
import { Secret } from '../components/secret.js';
import { SkeletonRows, TableHead } from '../components/table-parts.js';
import { notify } from '../components/toast.js';
import { formatDateTime, formatRelative } from '../lib/format.js';
import { useSession } from '../lib/session.js';
import { useAction } from '../lib/use-action.js';
import { usePoll } from '../lib/use-poll.js';

/** Changing credentials ends every session; sign straight back in with the new ones. */
function CredentialsForm() {
  const { me, login, refreshMe } = useSession();
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const { busy, error, run, reset } = useAction();
  const [mismatch, setMismatch] = useState(false);

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    reset();
    if (password !== repeat) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    const newUser = user.trim() || me?.username || '';
    await run(async () => {
      await api('POST', '/change-credentials', { new_user: newUser, new_password: password });
      await login(newUser, password);
      await refreshMe();
      setUser('');
      setPassword('');
      setRepeat('');
      notify('Credentials changed');
    });
  }

  return (
    <form
      className="panel"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-labelledby="cred-title"
    >
      <h2 id="cred-title">Username and password</h2>
      <p className="muted">Saving signs out every other session of this user.</p>
      <div className="form-grid">
        <TextField
          label="Username"
          name="new_user"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          placeholder={me?.username ?? ''}
          hint="Leave empty to keep the current one."
          value={user}
          onChange={(e) => setUser(e.target.value)}
          error={fieldError(error, 'new_user')}
          wide
        />
        <TextField
          label="New password"
          name="new_password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError(error, 'new_password')}
        />
        <TextField
          label="Repeat new password"
          name="repeat_password"
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => {
            setRepeat(e.target.value);
            setMismatch(false);
          }}
          error={mismatch ? 'The two passwords differ.' : undefined}
        />
      </div>
      <ErrorNote>{formError(error, ['new_user', 'new_password'])}</ErrorNote>
      <div className="actions">
        <button type="submit" className="btn btn--primary" disabled={busy || password === ''}>
          {busy ? 'Saving…' : 'Change credentials'}
        </button>
      </div>
    </form>
  );
}

function TokensPanel() {
  const tokens = usePoll(() => api<ApiToken[]>('GET', '/tokens'), 0);
  const [label, setLabel] = useState('');
  const creation = useAction();
  const revocation = useAction();
  // One request at a time from this panel: either one disables both buttons.
  const busy = creation.busy || revocation.busy;
  const [created, setCreated] = useState<(ApiToken & { token: string }) | undefined>(undefined);
  const [revoking, setRevoking] = useState<ApiToken | undefined>(undefined);

  async function create(e: FormEvent): Promise<void> {
    e.preventDefault();
    await creation.run(async () => {
      const t = await api<ApiToken & { token: string }>(
        'POST',
        '/tokens',
        label.trim() ? { label: label.trim() } : {},
      );
      const { token: _secret, ...listed } = t;
      tokens.setData((list) => [...(list ?? []), listed]);
      setCreated(t);
      setLabel('');
    });
  }

  async function revoke(): Promise<void> {
    if (!revoking) return;
    await revocation.run(async () => {
      await api('DELETE', `/tokens/${revoking.ID}`);
      tokens.setData((list) => list?.filter((t) => t.ID !== revoking.ID));
      notify(`Token ${revoking.label ?? `#${revoking.ID}`} revoked`);
      setRevoking(undefined);
    });
  }

  return (
    <section className="panel" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p className="muted">
        Long-lived tokens (1 year) for hosting panels and scripts: send them as{' '}
        <code>Authorization: Bearer …</code>.
      </p>
      <form className="inline-form" onSubmit={(e) => void create(e)} noValidate>
        <TextField
          label="Label"
          name="label"
          placeholder="whmcs"
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          error={fieldError(creation.error, 'label')}
        />
        <button type="submit" className="btn btn--primary" disabled={busy}>
          Create token
        </button>
      </form>
      <ErrorNote>{formError(creation.error, ['label'])}</ErrorNote>
      <LoadError what="tokens" error={tokens.error} />
      <table className="table table--cards">
        <TableHead columns={['Label', 'User', 'Created', 'Expires', 'Last used']} actions />
        <tbody>
          {tokens.data === undefined && <SkeletonRows rows={1} columns={6} />}
          {tokens.data?.map((t) => (
            <tr key={t.ID}>
              <td data-label="Label" className="strong">
                {t.label ?? <span className="muted">#{t.ID}</span>}
              </td>
              <td data-label="User">{t.username}</td>
              <td data-label="Created" title={formatDateTime(t.CreatedAt)}>
                {formatRelative(t.CreatedAt)}
              </td>
              <td data-label="Expires" title={formatDateTime(t.expires_at)}>
                {formatRelative(t.expires_at)}
              </td>
              <td data-label="Last used" title={formatDateTime(t.last_used_at)}>
                {formatRelative(t.last_used_at)}
              </td>
              <td className="row-actions">
                <button
                  type="button"
                  className="btn btn--small btn--danger-ghost"
                  onClick={() => {
                    revocation.reset();
                    setRevoking(t);
                  }}
                  aria-label={`Revoke ${t.label ?? `token ${t.ID}`}`}
                >
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tokens.data?.length === 0 && <Empty>No API tokens.</Empty>}
      {created && (
        <DoneDialog title="API token created" onClose={() => setCreated(undefined)}>
          <p>Copy it now: the Hub shows this token only once.</p>
          <Secret
            label={`API token ${created.label ?? ''}`.trim()}
            value={created.token}
            revealed
          />
        </DoneDialog>
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke token?"
          confirmLabel="Revoke token"
          danger
          busy={busy}
          error={revocation.message}
          onConfirm={() => void revoke()}
          onClose={() => setRevoking(undefined)}
        >
          <p>
            Anything using <strong>{revoking.label ?? `token #${revoking.ID}`}</strong> loses access
            at once.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** The settings page. */
export function SettingsPage() {
  return (
    <section>
      <PageHead title="Settings" />
      <div className="stack">
        <CredentialsForm />
        <TokensPanel />
      </div>
    </section>
  );
}
