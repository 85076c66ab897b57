/** The shell: sign-in gate, navigation and the page for the current path. */
import { useEffect, useRef, type ReactNode } from 'react';
import { Toasts } from './components/toast.js';
import { Link, navigate, useLocation } from './lib/router.js';
import { useSession } from './lib/session.js';
import { AgentsPage } from './pages/agents-page.js';
import { GatesPage } from './pages/gates-page.js';
import { LoginPage } from './pages/login-page.js';
import { LogsPage } from './pages/logs-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { RoutesPage } from './pages/routes-page.js';
import { SettingsPage } from './pages/settings-page.js';

const PAGES: { path: string; title: string; render: () => ReactNode }[] = [
  { path: '/', title: 'Overview', render: () => <OverviewPage /> },
  { path: '/routes', title: 'Routes', render: () => <RoutesPage /> },
  { path: '/agents', title: 'Agents', render: () => <AgentsPage /> },
  { path: '/gates', title: 'Gates', render: () => <GatesPage /> },
  { path: '/logs', title: 'Logs', render: () => <LogsPage /> },
  { path: '/settings', title: 'Settings', render: () => <SettingsPage /> },
];

/** Renders the sign-in form or the dashboard. */
export function App() {
  const { signedIn } = useSession();
  const { path, query } = useLocation();
  const next = query.get('next');

  // Signed out: the sign-in form, remembering the page. Signed in: back to that page.
  // Reads the live location, not the render's, so a repeated run never nests `next`.
  useEffect(() => {
    const here = location.pathname;
    if (!signedIn && here !== '/login') {
      navigate(`/login?next=${encodeURIComponent(here + location.search)}`, { replace: true });
    } else if (signedIn && here === '/login') {
      navigate(safeNext(new URLSearchParams(location.search).get('next')), { replace: true });
    }
  }, [signedIn, path, next]);

  if (!signedIn) return <LoginPage />;
  if (path === '/login') return null;
  const page = PAGES.find((p) => p.path === path);
  return <Shell current={page?.path}>{page ? page.render() : <NotFound />}</Shell>;
}

/** Only in-app paths, so a crafted link cannot send the user elsewhere after sign-in. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login')
    ? next
    : '/';
}

function Shell({ current, children }: { current: string | undefined; children: ReactNode }) {
  const { me, logout } = useSession();
  const title = PAGES.find((p) => p.path === current)?.title ?? 'Not found';
  useEffect(() => {
    document.title = `${title} · Gatelink Hub`;
  }, [title]);
  // After moving to another page, screen readers and keyboards start at its content, not the nav.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [current]);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          <span className="brand__mark" aria-hidden="true" />
          Gatelink Hub
        </Link>
        <nav aria-label="Main" className="nav">
          {PAGES.map((p) => (
            <Link
              key={p.path}
              href={p.path}
              className="nav__link"
              aria-current={p.path === current ? 'page' : undefined}
            >
              {p.title}
            </Link>
          ))}
        </nav>
        <div className="topbar__user">
          <span className="topbar__name" title="Signed in as">
            {me?.username ?? '\u00a0'}
          </span>
          <button type="button" className="btn btn--small" onClick={() => void logout()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
      <Toasts />
    </div>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is no page here. <Link href="/">Go to the overview</Link>.
      </p>
    </section>
  );
}
