/** Who is signed in, and what happens when the Hub stops accepting the token. */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { api, getToken, setToken, setUnauthorizedHandler } from '../api/client.js';
import type { Me } from '../api/types.js';
import { navigate } from './router.js';

interface SessionValue {
  signedIn: boolean;
  me: Me | undefined;
  /** Why the user was sent back to the sign-in form, if not by choice. */
  notice: string | undefined;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  refreshMe: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Where to go back to after signing in again: the page the user was on. */
function currentPlace(): string {
  const here = location.pathname + location.search;
  return location.pathname.startsWith('/login') ? '/' : here;
}

/** Holds the session for the whole app. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [signedIn, setSignedIn] = useState(() => getToken() !== null);
  const [me, setMe] = useState<Me | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const expire = useCallback((message: string) => {
    setToken(null);
    setMe(undefined);
    setSignedIn(false);
    setNotice(message);
    navigate(`/login?next=${encodeURIComponent(currentPlace())}`, { replace: true });
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() =>
      expire('Your session has ended. Sign in again to continue where you were.'),
    );
    return () => setUnauthorizedHandler(null);
  }, [expire]);

  const refreshMe = useCallback(async () => {
    setMe(await api<Me>('GET', '/me'));
  }, []);

  // Check a stored token at start-up, and end the session when it runs out.
  useEffect(() => {
    if (!signedIn) return;
    refreshMe().catch(() => undefined);
  }, [signedIn, refreshMe]);

  useEffect(() => {
    if (!me) return;
    const left = Date.parse(me.expires_at) - Date.now();
    // Timers past ~24.8 days overflow; long-lived tokens never reach here anyway.
    if (!Number.isFinite(left) || left > 2 ** 31 - 1) return;
    const t = setTimeout(
      () => expire('Your session has expired. Sign in again to continue where you were.'),
      Math.max(0, left),
    );
    return () => clearTimeout(t);
  }, [me, expire]);

  const login = useCallback(async (username: string, password: string) => {
    const { token } = await api<{ token: string }>('POST', '/login', { username, password });
    setToken(token);
    setNotice(undefined);
    setSignedIn(true);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api('POST', '/logout');
    } catch {
      // The token is forgotten either way.
    }
    setToken(null);
    setMe(undefined);
    setSignedIn(false);
    setNotice('You have signed out.');
    navigate('/login', { replace: true });
  }, []);

  const value = useMemo(
    () => ({ signedIn, me, notice, login, logout, refreshMe }),
    [signedIn, me, notice, login, logout, refreshMe],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session of the app. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
