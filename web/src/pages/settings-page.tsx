/** Settings: the signed-in user's credentials and long-lived API tokens. */
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api/client.js';
import type { ApiToken } from '../api/types.js';
import { Empty, PageHead, Skeleton } from '../components/bits.js';
import { ConfirmDialog, Dialog } from '../components/dialog.js';
import { ErrorNote, TextField } from '../components/field.js';
import { fieldError, formError } from '../components/form-error.js';
import { Secret } from '../components/secret.js';
import { notify } from '../components/toast.js';
import { formatDateTime, formatRelative } from '../lib/format.js';
import { useSession } from '../lib/session.js';
import { usePoll } from '../lib/use-poll.js';

/** Changing credentials ends every session; sign straight back in with the new ones. */
function CredentialsForm() {
  const { me, login, refreshMe } = useSession();
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [mismatch, setMismatch] = useState(false);

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    setError(undefined);
    if (password !== repeat) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    const newUser = user.trim() || me?.username || '';
    try {
      await api('POST', '/change-credentials', { new_user: newUser, new_password: password });
      await login(newUser, password);
      await refreshMe();
      setUser('');
      setPassword('');
      setRepeat('');
      notify('Credentials changed');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<(ApiToken & { token: string }) | undefined>(undefined);
  const [revoking, setRevoking] = useState<ApiToken | undefined>(undefined);
  const [revokeError, setRevokeError] = useState<string | undefined>(undefined);

  async function create(e: FormEvent): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const t = await api<ApiToken & { token: string }>(
        'POST',
        '/tokens',
        label.trim() ? { label: label.trim() } : {},
      );
      const { token: _secret, ...listed } = t;
      tokens.setData((list) => [...(list ?? []), listed]);
      setCreated(t);
      setLabel('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(): Promise<void> {
    if (!revoking) return;
    setBusy(true);
    setRevokeError(undefined);
    try {
      await api('DELETE', `/tokens/${revoking.ID}`);
      tokens.setData((list) => list?.filter((t) => t.ID !== revoking.ID));
      notify(`Token ${revoking.label ?? `#${revoking.ID}`} revoked`);
      setRevoking(undefined);
    } catch (err) {
      setRevokeError(errorMessage(err));
    } finally {
      setBusy(false);
    }
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
          error={fieldError(error, 'label')}
        />
        <button type="submit" className="btn btn--primary" disabled={busy}>
          Create token
        </button>
      </form>
      <ErrorNote>{formError(error, ['label'])}</ErrorNote>
      {tokens.error !== undefined && (
        <ErrorNote>Could not load tokens: {errorMessage(tokens.error)}</ErrorNote>
      )}
      <table className="table table--cards">
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">User</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col" className="actions-col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.data === undefined && (
            <tr className="row-skeleton">
              <td colSpan={6}>
                <Skeleton />
              </td>
            </tr>
          )}
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
                    setRevokeError(undefined);
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
        <Dialog title="API token created" onClose={() => setCreated(undefined)}>
          <div className="dialog__body">
            <p>Copy it now: the Hub shows this token only once.</p>
            <Secret
              label={`API token ${created.label ?? ''}`.trim()}
              value={created.token}
              revealed
            />
            <div className="actions">
              <button
                type="button"
                className="btn btn--primary"
                onClick={() => setCreated(undefined)}
                data-autofocus
              >
                Done
              </button>
            </div>
          </div>
        </Dialog>
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke token?"
          confirmLabel="Revoke token"
          danger
          busy={busy}
          error={revokeError}
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
