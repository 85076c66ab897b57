/**
 * The dashboard in a real browser against a real Hub + Gate process (`gatelink all`):
 * sign-in, agents, routes with field errors, token rotation, gates, logs, session expiry,
 * the login lock-out, and screenshots of every page at desktop and phone width.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
/**
 * The documentation's screenshots are rewritten with UPDATE_SCREENSHOTS=1; otherwise they go to a
 * temporary directory, so a plain test run leaves the committed pictures alone.
 */
const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(ROOT, 'docs/screenshots')
  : join(tmpdir(), `gatelink-dashboard-shots-${process.pid}`);
const PASSWORD = 'dashboard-e2e-password';
/** Read in the page: the session token the dashboard keeps. */
const TOKEN_JS = "localStorage.getItem('gatelink.token')";
/** Cumulative layout shift since the page loaded (Chromium's Layout Instability API). */
const LAYOUT_SHIFT_JS = `new Promise((resolve) => {
  let sum = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value;
  }).observe({ type: 'layout-shift', buffered: true });
  setTimeout(() => resolve(sum), 100);
})`;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

if (!HAS_CHROMIUM) {
  console.warn(`dashboard e2e skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);
}

/** True when web/dist is missing or older than a source file of the dashboard. */
function dashboardStale(): boolean {
  const index = join(ROOT, 'web/dist/index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? newer(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs > built,
    );
  return newer(join(ROOT, 'web/src')) || statSync(join(ROOT, 'web/index.html')).mtimeMs > built;
}

/** The embedded default: SQLite and the memory bus, whatever the caller's shell has set. */
function cleanEnv(): NodeJS.ProcessEnv {
  const { REDIS_URL: _r, DATABASE_URL: _d, HUB_WEB_ROOT: _w, LINK_TOKEN: _t, ...env } = process.env;
  return env;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

interface Hub {
  url: string;
  proc: ChildProcess;
  output: () => string;
  dir: string;
}

async function startHub(): Promise<Hub> {
  const dir = mkdtempSync(join(tmpdir(), 'gatelink-dashboard-'));
  const port = await freePort();
  let out = '';
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'all'], {
    cwd: ROOT,
    env: {
      ...cleanEnv(),
      HUB_PORT: String(port),
      HUB_HOST: '127.0.0.1',
      DATA_DIR: dir,
      HUB_ADMIN_PASSWORD: PASSWORD,
      GATE_ID: 'gate-eu-1',
      GATE_REGION: 'eu',
      GATE_LISTEN: '127.0.0.1:0',
      GATE_TUNNEL_LISTEN: '127.0.0.1:0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`the Hub exited (${proc.exitCode}):\n${out}`);
    }
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, proc, output: () => out, dir };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  proc.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`the Hub did not answer /api/health within 30 s:\n${out}`);
}

async function apiCall<T>(
  hub: Hub,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${hub.url}/api${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The admin's password; the credentials scenario changes it. */
let password = PASSWORD;

async function signIn(page: Page, typed = password): Promise<void> {
  await page.getByLabel('Username').fill('hub_admin');
  await page.getByLabel('Password').fill(typed);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A link of the main navigation (stat cards on the overview are links too). */
async function goTo(page: Page, name: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name, exact: true })
    .click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

async function shoot(page: Page, name: string): Promise<void> {
  // Let polls land, charts draw and confirmations fade, so the picture shows the page at rest.
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await expect
    .poll(() => page.locator('.toast').count(), { timeout: 6000 })
    .toBe(0)
    .catch(() => undefined);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

describe.skipIf(!HAS_CHROMIUM)('dashboard in Chromium against gatelink all', () => {
  let hub: Hub;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let apiToken: string;
  let link: ChildProcess | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (dashboardStale()) {
      const built = spawnSync('npm', ['run', 'build:web'], {
        cwd: ROOT,
        encoding: 'utf8',
        // The test runner sets NODE_ENV=test, which would make Vite bundle React's development build.
        env: { ...process.env, NODE_ENV: 'production' },
      });
      if (built.status !== 0)
        throw new Error(`npm run build:web failed:\n${built.stdout}${built.stderr}`);
    }
    mkdirSync(SHOTS, { recursive: true });
    hub = await startHub();
    const login = await fetch(`${hub.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'hub_admin', password: PASSWORD }),
    });
    apiToken = ((await login.json()) as { token: string }).token;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: DESKTOP, baseURL: hub.url });
    // Fail within the test's own time limit, with Playwright's message rather than a timeout.
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 90_000);

  // A failed step may leave a dialog open; close it so the next scenario starts from the page.
  afterEach(async (ctx) => {
    // What the Hub logged explains most failures; show its tail with the failed scenario.
    if (ctx.task.result?.state === 'fail')
      console.error(`Hub output:\n${hub?.output().slice(-4000)}`);
    for (let i = 0; i < 3 && (await page.locator('dialog[open]').count()) > 0; i++)
      await page.keyboard.press('Escape');
  });

  afterAll(async () => {
    link?.kill('SIGKILL');
    await browser?.close();
    if (hub) {
      hub.proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      if (hub.proc.exitCode === null) hub.proc.kill('SIGKILL');
      rmSync(hub.dir, { recursive: true, force: true });
    }
    if (!process.env.UPDATE_SCREENSHOTS) rmSync(SHOTS, { recursive: true, force: true });
  });

  it('sends a signed-out visitor to sign in, refuses a wrong password, then returns to the page asked for', async () => {
    await page.goto('/agents');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await shoot(page, 'login-desktop');
    await signIn(page, 'not-the-password');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/\w/);
    expect(new URL(page.url()).pathname).toBe('/login');
    await signIn(page);
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/agents');
  });

  let agentToken = '';
  let agentId = 0;

  it('creates a push agent and shows its token with a ready-to-paste Link command', async () => {
    await page.getByRole('button', { name: 'New agent' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Dedicated server 01');
    await dialog.getByLabel('Push URL').fill('http://127.0.0.1:9000');
    await dialog.getByRole('button', { name: 'Create agent' }).click();
    const created = page.getByRole('dialog', { name: /created/ });
    const command = (await created.locator('.command__text').textContent()) ?? '';
    const agents = await apiCall<{ ID: number; name: string; token: string }[]>(
      hub,
      apiToken,
      'GET',
      '/agents',
    );
    const agent = agents.find((a) => a.name === 'Dedicated server 01');
    expect(agent).toBeDefined();
    agentToken = agent!.token;
    agentId = agent!.ID;
    expect(command).toBe(`gatelink link --token ${agentToken} --listen 0.0.0.0:9000`);
    await expect(created.locator('.secret__value').textContent()).resolves.toBe(agentToken);
    await shoot(page, 'agent-created-desktop');
    await created.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Dedicated server 01' }).waitFor();
  });

  it('shows the API validation error at the port field, keeps what was typed, then creates the route', async () => {
    await goTo(page, 'Routes');
    await page.getByRole('button', { name: 'New route' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Domain').fill('play.example.com');
    await dialog.getByLabel('Target address').fill('10.0.0.7');
    await dialog.getByLabel('Target port').fill('70000');
    await dialog.getByLabel('Agent').selectOption(String(agentId));
    await dialog.getByRole('button', { name: 'Create route' }).click();
    const port = dialog.getByLabel('Target port');
    await expect.poll(() => port.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await port.getAttribute('aria-describedby')) ?? '';
    const errorText = await page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent();
    expect(errorText).toMatch(/port|65535|maximum|<=/i);
    expect(await dialog.getByLabel('Domain').inputValue()).toBe('play.example.com');
    expect(await dialog.getByLabel('Domain').getAttribute('aria-invalid')).toBeNull();
    await shoot(page, 'route-field-error-desktop');

    await port.fill('25565');
    await dialog.getByRole('button', { name: 'Create route' }).click();
    await page.getByRole('cell', { name: 'play.example.com', exact: true }).waitFor();
    const routes = await apiCall<{ domain: string; target_port: number; agent_id: number }[]>(
      hub,
      apiToken,
      'GET',
      '/routes',
    );
    expect(routes).toEqual([
      expect.objectContaining({
        domain: 'play.example.com',
        target_port: 25565,
        agent_id: agentId,
      }),
    ]);
  });

  it('puts a taken domain on the domain field', async () => {
    await page.getByRole('button', { name: 'New route' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Domain').fill('PLAY.example.com');
    await dialog.getByLabel('Agent').selectOption(String(agentId));
    await dialog.getByRole('button', { name: 'Create route' }).click();
    await expect.poll(() => dialog.getByLabel('Domain').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('finds a route among thousands with search and paging', async () => {
    const many = Array.from({ length: 120 }, (_, i) => ({
      domain: `srv${String(i).padStart(3, '0')}.bulk.example.com`,
      target_ip: '127.0.0.1',
      target_port: 30000 + i,
      agent_id: agentId,
    }));
    for (const body of many) await apiCall(hub, apiToken, 'POST', '/routes', body);
    await page.reload();
    await page.getByText('1–50 of 121 routes').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('51–100 of 121 routes').waitFor();
    await page.getByRole('searchbox', { name: 'Search routes' }).fill('srv117');
    await page.getByText('1–1 of 1 routes').waitFor();
    await expect(
      page.getByRole('cell', { name: 'srv117.bulk.example.com', exact: true }).count(),
    ).resolves.toBe(1);
    await page.getByRole('searchbox', { name: 'Search routes' }).fill('');
    await page.getByText('1–50 of 121 routes').waitFor();
  });

  it('edits and deletes a route', async () => {
    const search = page.getByRole('searchbox', { name: 'Search routes' });
    await search.fill('srv118');
    await page.getByRole('button', { name: 'Edit srv118.bulk.example.com' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit srv118.bulk.example.com' });
    await dialog.getByLabel('Target port').fill('31118');
    await dialog.getByLabel('Send PROXY protocol v2').check();
    await dialog.getByRole('button', { name: 'Save route' }).click();
    await page.getByRole('cell', { name: '127.0.0.1:31118', exact: true }).waitFor();
    const routes = await apiCall<
      { ID: number; domain: string; target_port: number; proxy_protocol: boolean }[]
    >(hub, apiToken, 'GET', '/routes');
    const edited = routes.find((r) => r.domain === 'srv118.bulk.example.com');
    expect(edited).toMatchObject({ target_port: 31118, proxy_protocol: true });

    await page.getByRole('button', { name: 'Delete srv118.bulk.example.com' }).click();
    await page
      .getByRole('dialog', { name: 'Delete route?' })
      .getByRole('button', { name: 'Delete route' })
      .click();
    await page.getByText('No route matches this search.').waitFor();
    const res = await fetch(`${hub.url}/api/routes/${edited?.ID}`, {
      headers: { authorization: `Bearer ${apiToken}` },
    });
    expect(res.status).toBe(404);
    // Put it back so the counts of the later scenarios stay round.
    await apiCall(hub, apiToken, 'POST', '/routes', {
      domain: 'srv118.bulk.example.com',
      target_ip: '127.0.0.1',
      target_port: 30118,
      agent_id: agentId,
    });
    await search.fill('');
  });

  it('rotates an agent token after confirmation and shows the new one', async () => {
    await goTo(page, 'Agents');
    await page.getByRole('button', { name: 'Rotate token' }).click();
    await page
      .getByRole('dialog', { name: 'Rotate token?' })
      .getByRole('button', { name: 'Rotate token' })
      .click();
    const shown = page.getByRole('dialog', { name: 'New token' });
    const newToken = (await shown.locator('.secret__value').textContent()) ?? '';
    expect(newToken).not.toBe(agentToken);
    const agent = await apiCall<{ token: string }>(hub, apiToken, 'GET', `/agents/${agentId}`);
    expect(agent.token).toBe(newToken);
    await shown.getByRole('button', { name: 'Done' }).click();
  });

  it('shows an agent online with its Gate once its Link connects', async () => {
    const port = await freePort();
    const card = page.getByRole('article', { name: 'Dedicated server 01' });
    await card.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: /Edit/ });
    await dialog.getByLabel('Push URL').fill(`http://127.0.0.1:${port}`);
    await dialog.getByRole('button', { name: 'Save agent' }).click();
    const commandBox = card.locator('.command__text');
    await expect
      .poll(() => commandBox.textContent())
      .toMatch(new RegExp(`--listen 0\\.0\\.0\\.0:${port}$`));
    const command = (await commandBox.textContent()) ?? '';
    const token = command.split(' ')[3] ?? '';
    link = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'link',
        '--token',
        token,
        '--listen',
        `127.0.0.1:${port}`,
      ],
      {
        cwd: ROOT,
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let linkOut = '';
    link.stdout?.on('data', (d: Buffer) => (linkOut += d.toString()));
    link.stderr?.on('data', (d: Buffer) => (linkOut += d.toString()));
    await card
      .locator('.badge--ok', { hasText: 'online' })
      .waitFor({ timeout: 20_000 })
      .catch((err: unknown) => {
        throw new Error(`the agent did not come online; the Link said:\n${linkOut.slice(-3000)}`, {
          cause: err,
        });
      });
    await expect(card.locator('dd').first().textContent()).resolves.toBe('gate-eu-1');
    await shoot(page, 'agents-desktop');
    await goTo(page, 'Routes');
    await page
      .getByRole('row', { name: /play\.example\.com/ })
      .locator('.badge--ok')
      .waitFor();
    await shoot(page, 'routes-desktop');
  });

  it('disables and enables an agent, and offers to delete its routes too when the Hub says it is in use', async () => {
    const spare = await apiCall<{ ID: number }>(hub, apiToken, 'POST', '/agents', {
      name: 'Spare',
      mode: 'redis',
    });
    await apiCall(hub, apiToken, 'POST', '/routes', {
      domain: 'spare.example.com',
      target_ip: '127.0.0.1',
      target_port: 25565,
      agent_id: spare.ID,
    });
    await page.goto('/agents');
    const card = page.getByRole('article', { name: 'Spare' });
    await expect(card.locator('.command__text').textContent()).resolves.toMatch(
      /^gatelink link --token \S+ --redis <REDIS_URL>$/,
    );
    await card.getByRole('button', { name: 'Disable' }).click();
    await card.locator('.badge', { hasText: 'disabled' }).waitFor();
    const disabled = await apiCall<{ enabled: boolean }>(
      hub,
      apiToken,
      'GET',
      `/agents/${spare.ID}`,
    );
    expect(disabled.enabled).toBe(false);
    await card.getByRole('button', { name: 'Enable' }).click();
    await card.locator('.badge', { hasText: 'offline' }).waitFor();
    const enabled = await apiCall<{ enabled: boolean }>(
      hub,
      apiToken,
      'GET',
      `/agents/${spare.ID}`,
    );
    expect(enabled.enabled).toBe(true);

    await card.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete agent?' });
    await confirm.getByRole('button', { name: 'Delete agent' }).click();
    await confirm.getByRole('button', { name: 'Delete agent and its route' }).click();
    await expect.poll(() => page.getByRole('article', { name: 'Spare' }).count()).toBe(0);
    const routes = await apiCall<{ domain: string }[]>(hub, apiToken, 'GET', '/routes');
    expect(routes.some((r) => r.domain === 'spare.example.com')).toBe(false);
  });

  it('shows the embedded Gate online', async () => {
    await goTo(page, 'Gates');
    const row = page.locator('tbody tr').filter({ hasText: 'online' }).first();
    await row.waitFor();
    await expect(row.locator('td[data-label="Players address"]').textContent()).resolves.toMatch(
      /127\.0\.0\.1:\d+/,
    );
    await shoot(page, 'gates-desktop');
  });

  it('lists audit logs newest first, filters them and follows new entries live', async () => {
    await goTo(page, 'Logs');
    const log = page.getByRole('list', { name: /Log entries/ });
    await log
      .getByText(/route created/i)
      .first()
      .waitFor();
    await page.getByLabel('Level').selectOption('warn');
    await expect.poll(() => page.url()).toContain('level=warn');
    await page.getByLabel('Level').selectOption('');
    await page.getByLabel('Source').fill('audit');
    await expect.poll(() => page.url()).toContain('source=audit');
    await expect
      .poll(async () => [...new Set(await log.locator('.log__source').allTextContents())])
      .toEqual(['audit']);
    const times: number[] = [];
    for (const t of await log.locator('time').all())
      times.push(Date.parse((await t.getAttribute('datetime')) ?? ''));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const before = await log.locator('li').count();
    await apiCall(hub, apiToken, 'POST', '/agents', { name: 'Followed live', mode: 'redis' });
    await expect.poll(() => log.locator('li').count(), { timeout: 10_000 }).toBeGreaterThan(before);
    await shoot(page, 'logs-desktop');
  });

  it('creates an API token shown once, and revokes it', async () => {
    await goTo(page, 'Settings');
    await page.getByLabel('Label').fill('whmcs');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByRole('dialog', { name: 'API token created' });
    const secret = (await shown.locator('.secret__value').textContent()) ?? '';
    expect(secret.length).toBeGreaterThan(20);
    expect(
      (await fetch(`${hub.url}/api/me`, { headers: { authorization: `Bearer ${secret}` } })).status,
    ).toBe(200);
    await shown.getByRole('button', { name: 'Done' }).click();
    await shoot(page, 'settings-desktop');
    await page.getByRole('button', { name: 'Revoke whmcs' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke token?' })
      .getByRole('button', { name: 'Revoke token' })
      .click();
    await expect.poll(() => page.getByRole('cell', { name: 'whmcs', exact: true }).count()).toBe(0);
    expect(
      (await fetch(`${hub.url}/api/me`, { headers: { authorization: `Bearer ${secret}` } })).status,
    ).toBe(401);
  });

  it('draws the overview from live stats', async () => {
    await goTo(page, 'Overview');
    const routesCard = page.locator('.stat', { hasText: 'Routes' });
    await expect.poll(() => routesCard.locator('.stat__value').textContent()).toBe('121');
    await expect.poll(() => page.locator('.chart canvas').count()).toBe(2);
    await shoot(page, 'overview-desktop');
  });

  it('fits a phone-width screen on every page without layout shifts', async () => {
    const token = await page.evaluate<string | null>(TOKEN_JS);
    const phone = await browser.newContext({
      viewport: PHONE,
      baseURL: hub.url,
      isMobile: true,
      hasTouch: true,
    });
    await phone.addInitScript(`localStorage.setItem('gatelink.token', ${JSON.stringify(token)})`);
    const p = await phone.newPage();
    for (const path of ['/', '/routes', '/agents', '/gates', '/logs', '/settings']) {
      await p.goto(path);
      await p.locator('h1').waitFor();
      await shoot(p, `${path === '/' ? 'overview' : path.slice(1)}-phone`);
      // Skeletons hold the place of what loads: the layout barely moves when data arrives.
      const shift = await p.evaluate<number>(LAYOUT_SHIFT_JS);
      expect(shift, `layout shift on ${path}`).toBeLessThan(0.1);
      const overflow = await p.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow, `horizontal overflow on ${path}`).toBeLessThanOrEqual(0);
    }
    // The open form is part of the address, so a link can open it directly.
    await p.goto('/routes?edit=new');
    await p.getByRole('dialog', { name: 'New route' }).getByLabel('Domain').waitFor();
    await shoot(p, 'route-form-phone');
    await phone.close();

    const dark = await browser.newContext({
      viewport: DESKTOP,
      baseURL: hub.url,
      colorScheme: 'dark',
    });
    await dark.addInitScript(`localStorage.setItem('gatelink.token', ${JSON.stringify(token)})`);
    const d = await dark.newPage();
    await d.goto('/');
    await d.locator('.chart canvas').first().waitFor();
    await shoot(d, 'overview-dark-desktop');
    await dark.close();
  });

  it('is usable from the keyboard: the route form opens with Enter and closes with Escape', async () => {
    await goTo(page, 'Routes');
    await page.getByRole('button', { name: 'New route' }).focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() =>
        page.evaluate<string | null>("document.activeElement?.getAttribute('name') ?? null"),
      )
      .toBe('domain');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('changes the password, ending earlier sessions but keeping this one signed in', async () => {
    await goTo(page, 'Settings');
    const next = 'a-new-dashboard-password';
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('Repeat new password').fill(`${next}-typo`);
    await page.getByRole('button', { name: 'Change credentials' }).click();
    await expect
      .poll(() => page.getByLabel('Repeat new password').getAttribute('aria-invalid'))
      .toBe('true');
    await page.getByLabel('Repeat new password').fill(next);
    await page.getByRole('button', { name: 'Change credentials' }).click();
    await expect.poll(() => page.getByLabel('New password', { exact: true }).inputValue()).toBe('');
    password = next;
    expect(
      (await fetch(`${hub.url}/api/me`, { headers: { authorization: `Bearer ${apiToken}` } }))
        .status,
    ).toBe(401);
    await goTo(page, 'Agents');
    await page.getByRole('article', { name: 'Dedicated server 01' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/agents');
  });

  it('sends an expired session back to sign in and then to the same page and search', async () => {
    await page.goto('/routes?q=srv042');
    await page.getByText('1–1 of 1 routes').waitFor();
    // The Hub stops accepting the token (as when it expires or is revoked); the next poll notices.
    const token = await page.evaluate<string | null>(TOKEN_JS);
    await apiCall(hub, token ?? '', 'POST', '/logout');
    await page.getByLabel('Username').waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).pathname).toBe('/login');
    await expect(page.getByText(/session has ended/i).count()).resolves.toBe(1);
    await signIn(page);
    await page.getByText('1–1 of 1 routes').waitFor();
    const url = new URL(page.url());
    expect(url.pathname + url.search).toBe('/routes?q=srv042');
    expect(await page.getByRole('searchbox', { name: 'Search routes' }).inputValue()).toBe(
      'srv042',
    );
  });

  it('shows the lock-out message after too many failed sign-ins', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
    let status = 0;
    for (let i = 0; i < 30 && status !== 429; i++) {
      const res = await fetch(`${hub.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'hub_admin', password: `wrong-${i}` }),
      });
      status = res.status;
    }
    expect(status).toBe(429);
    await signIn(page, 'wrong-again');
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/sign in again in \d+ (s|min)\./);
    await expect(page.getByRole('button', { name: /^Wait [\d:]+/ }).isDisabled()).resolves.toBe(
      true,
    );
    await shoot(page, 'login-locked-desktop');
    expect(pageErrors).toEqual([]);
  });
});
