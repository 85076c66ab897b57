import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

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

  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 20 * 365 * 24 * 3600_000);
  // Links pin the fingerprint and never check names or dates; a long validity avoids a silent expiry.
  // Loaded only the one time a pair is made: the generator is large and a Gate needs it once.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
  });
  await mkdir(dataDir, { recursive: true });
  await writeFile(keyPath, pems.private, { mode: 0o600 });
  await chmod(keyPath, 0o600);
  await writeFile(certPath, pems.cert, { mode: 0o644 });
  return Object.freeze({
    key: pems.private,
    cert: pems.cert,
    fingerprint: certificateFingerprint(pems.cert),
  });
}
