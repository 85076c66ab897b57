import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPair, loadTlsIdentity } from './tls-identity.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gatelink-tls-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('loadTlsIdentity', () => {
  it('creates a key pair once, keeps the key private, and returns the same fingerprint after a restart', async () => {
    const dataDir = await tempDir();
    const first = await loadTlsIdentity({ dataDir });
    expect(first.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect((await stat(join(dataDir, 'gate-key.pem'))).mode & 0o777).toBe(0o600);
    const second = await loadTlsIdentity({ dataDir });
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.key).toBe(first.key);
  });

  it('serves a certificate whose fingerprint a client sees as fingerprint256', async () => {
    const identity = await loadTlsIdentity({ dataDir: await tempDir() });
    const server = createServer({ key: identity.key, cert: identity.cert }, (s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const seen = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        resolve(socket.getPeerCertificate().fingerprint256);
        socket.destroy();
      });
      socket.on('error', reject);
    });
    server.close();
    expect(seen).toBe(identity.fingerprint);
  });

  it('takes the operator files when given', async () => {
    const generated = await loadTlsIdentity({ dataDir: await tempDir() });
    const dir = await tempDir();
    await writeFile(join(dir, 'c.pem'), generated.cert);
    await writeFile(join(dir, 'k.pem'), generated.key);
    const loaded = await loadTlsIdentity({
      dataDir: join(dir, 'unused'),
      certFile: join(dir, 'c.pem'),
      keyFile: join(dir, 'k.pem'),
    });
    expect(loaded.fingerprint).toBe(generated.fingerprint);
    await expect(stat(join(dir, 'unused'))).rejects.toThrow();
  });

  it('says why when the generator fails, in its own words', async () => {
    const missing = join(await tempDir(), 'no-such-generator.js');
    const failed = generateKeyPair('gatelink-gate', missing);
    await expect(failed).rejects.toThrow(
      /^could not generate the Gate's TLS key pair: Cannot find module/,
    );
    await expect(failed).rejects.not.toThrow(/Node\.js v|GENERATE|-e/);
  });
});
