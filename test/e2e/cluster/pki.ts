/**
 * The control plane's PKI, made with the openssl CLI (Node's crypto cannot sign certificates):
 * one CA and one leaf (CN=kwok-admin, O=system:masters) that serves the API, authenticates every
 * component, and signs service-account tokens; plus a static bearer token for users and tests.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Pki {
  readonly caCert: string;
  readonly caKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  /** --token-auth-file of the API server. */
  readonly tokenFile: string;
  /** The admin user's bearer token. */
  readonly token: string;
}

const SANS = [
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
  'DNS:localhost',
  'IP:127.0.0.1',
  'IP:::1',
].join(',');

async function openssl(args: readonly string[]): Promise<void> {
  await run('openssl', args, { timeout: 30_000 });
}

export async function createPki(dir: string): Promise<Pki> {
  const f = (name: string): string => join(dir, name);
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '365', '-subj', '/CN=weft-local-ca']);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('admin.key'), '-out', f('admin.csr'), '-subj', '/O=system:masters/CN=kwok-admin']);
  await writeFile(f('admin.ext'), `subjectAltName=${SANS}\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n`);
  await openssl(['x509', '-req', '-in', f('admin.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('admin.crt'), '-days', '365', '-extfile', f('admin.ext')]);
  const token = randomBytes(24).toString('hex');
  // token,user,uid,"group1,group2"
  await writeFile(f('tokens.csv'), `${token},weft-admin,weft-admin,"system:masters"\n`, { mode: 0o600 });
  return { caCert: f('ca.crt'), caKey: f('ca.key'), adminCert: f('admin.crt'), adminKey: f('admin.key'), tokenFile: f('tokens.csv'), token };
}
