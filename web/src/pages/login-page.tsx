/** Sign-in form; shows wrong credentials, the brute-force lock-out and its countdown. */
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../api/client.js';
import { ErrorNote, TextField } from '../components/field.js';
import { useSession } from '../lib/session.js';

/** The Hub's message as a sentence: capital first letter, full stop. */
function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const capital = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** 45 → "45 s", 900 → "15 min". */
function formatWait(seconds: number): string {
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

/** 905 → "15:05" for the button's countdown. */
function formatClock(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The whole screen while signed out. */
export function LoginPage() {
  const { login, notice } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [lockedUntil, setLockedUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    document.title = 'Sign in · Gatelink Hub';
  }, []);

  // Tick once a second while locked out so the countdown and the button follow.
  useEffect(() => {
    if (lockedUntil <= now) return;
    const t = setTimeout(() => setNow(Date.now()), 1000);
    return () => clearTimeout(t);
  }, [lockedUntil, now]);

  const waitSeconds = Math.max(0, Math.ceil((lockedUntil - now) / 1000));

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(username.trim(), password);
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        const retry = err.retryAfter ?? 60;
        setLockedUntil(Date.now() + retry * 1000);
        setNow(Date.now());
        setError(`${sentence(err.message)} You can sign in again in ${formatWait(retry)}.`);
      } else if (err instanceof ApiError && err.status === 401) {
        setError(err.message || 'Wrong username or password.');
      } else {
        setError(errorMessage(err));
      }
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login" id="main">
      <form className="login__card" onSubmit={(e) => void submit(e)} noValidate>
        <div className="brand brand--large">
          <span className="brand__mark" aria-hidden="true" />
          Gatelink Hub
        </div>
        <h1>Sign in</h1>
        {notice && !error && <p className="notice">{notice}</p>}
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          autoFocus
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorNote>{error}</ErrorNote>
        <button
          type="submit"
          className="btn btn--primary btn--block"
          disabled={busy || waitSeconds > 0}
        >
          {busy ? 'Signing in…' : waitSeconds > 0 ? `Wait ${formatClock(waitSeconds)}` : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
