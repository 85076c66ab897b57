import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The Gate's tunnel certificate: what it serves and the fingerprint Links pin. */
export interface TlsIdentity {
  readonly key: string;
  readonly cert: string;
  /** SHA-256 as Node prints it: `AA:BB:…`. */
  readonly fingerprint: string;
}

/** Where the identity comes from: operator PEM files, or a pair kept in the data directory. */
export interface TlsIdentityOptions {
  /** Where a generated pair is kept (`gate-key.pem`, `gate-cert.pem`). */
  readonly dataDir: string;
  /** PEM files supplied by the operator; both or neither. */
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
  /** Name written in a generated certificate. */
  readonly commonName?: string;
}

/** SHA-256 fingerprint of a PEM certificate, in the form `getPeerCertificate().fingerprint256` gives. */
export function certificateFingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Runs in the child: generates the pair with selfsigned and prints `{ key, cert }` as JSON, or
 * prints only the error's message and exits 1.
 */
const GENERATE_SCRIPT = `
const [, generatorPath, commonName, notBefore, notAfter] = process.argv;
Promise.resolve()
  .then(() =>
    require(generatorPath).generate([{ name: 'commonName', value: commonName }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(Number(notBefore)),
      notAfterDate: new Date(Number(notAfter)),
    }),
  )
  .then(
    (pems) => process.stdout.write(JSON.stringify({ key: pems.private, cert: pems.cert })),
    (err) => {
      process.stderr.write(String((err && err.message) || err));
      process.exitCode = 1;
    },
  );
`;

const GENERATE_TIMEOUT_MS = 60_000;

/**
 * A new EC P-256 key and self-signed certificate, made in a short-lived Node process: the
 * generator and its X.509 libraries take about 18 MB that a Gate would otherwise keep for its
 * whole life, for a job it does once. `generatorPath` is for tests.
 */
export async function generateKeyPair(
  commonName: string,
  generatorPath = createRequire(import.meta.url).resolve('selfsigned'),
): Promise<{ key: string; cert: string }> {
  const notBefore = Date.now() - 60_000;
  // Links pin the fingerprint and never check names or dates; a long validity avoids a silent expiry.
  const notAfter = notBefore + 20 * 365 * 24 * 3600_000;
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-e', GENERATE_SCRIPT, generatorPath, commonName, String(notBefore), String(notAfter)],
      { env: {}, timeout: GENERATE_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
    );
    return JSON.parse(stdout) as { key: string; cert: string };
  } catch (err) {
    // Not execFile's own message: it repeats the whole command line.
    const { killed, code, stderr } = err as { killed?: boolean; code?: unknown; stderr?: unknown };
    const reason = killed
      ? `took longer than ${GENERATE_TIMEOUT_MS / 1000} s`
      : String(stderr ?? '').trim() || `the generator exited with ${String(code)}`;
    throw new Error(`could not generate the Gate's TLS key pair: ${reason}`);
  }
}

/**
 * Load the operator's PEM files, or the pair kept in `dataDir`, or create that pair on first
 * start. The fingerprint must survive restarts: Links pin it, so it is generated exactly once.
 */
export async function loadTlsIdentity({
  dataDir,
  certFile,
  keyFile,
  commonName = 'gatelink-gate',
}: TlsIdentityOptions): Promise<TlsIdentity> {
  if (certFile || keyFile) {
    if (!certFile || !keyFile) throw new Error('certFile and keyFile go together');
    const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
    return Object.freeze({ key, cert, fingerprint: certificateFingerprint(cert) });
  }
  const keyPath = join(dataDir, 'gate-key.pem');
  const certPath = join(dataDir, 'gate-cert.pem');
  const [key, cert] = await Promise.all([readIfExists(keyPath), readIfExists(certPath)]);
  if (key && cert) return Object.freeze({ key, cert, fingerprint: certificateFingerprint(cert) });

  const pems = await generateKeyPair(commonName);
  await mkdir(dataDir, { recursive: true });
  await writeFile(keyPath, pems.key, { mode: 0o600 });
  await chmod(keyPath, 0o600);
  await writeFile(certPath, pems.cert, { mode: 0o644 });
  return Object.freeze({
    key: pems.key,
    cert: pems.cert,
    fingerprint: certificateFingerprint(pems.cert),
  });
}
