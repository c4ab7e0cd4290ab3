/**
 * The webhook's two certificates: a long-lived CA (kept in a Secret, shared by replicas) and a
 * serving certificate each process issues itself at start for the Service's DNS names.
 */
import { X509Certificate } from 'node:crypto';
import { createCertificate, generateKeyPair, keyPairFromPem, privateKeyPem, type Issuer } from './x509.ts';

export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

const ORGANIZATION = 'weft';
const CA_COMMON_NAME = 'weft-webhook-ca';
const DAY_MS = 86_400_000;
/** Ten years: the CA outlives every serving certificate it signs. */
export const CA_VALIDITY_DAYS = 3650;
/** One year; a process restart issues a fresh one from the same CA. */
export const SERVING_VALIDITY_DAYS = 365;
/** Clock skew between this process and the API server. */
const BACKDATE_MS = 5 * 60_000;

export function createCa(now: Date): PemPair {
  const keys = generateKeyPair();
  const issuer: Issuer = { commonName: CA_COMMON_NAME, organization: ORGANIZATION, ...keys };
  const certPem = createCertificate(
    { commonName: CA_COMMON_NAME, organization: ORGANIZATION, publicKey: keys.publicKey, notBefore: new Date(now.getTime() - BACKDATE_MS), notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS), isCa: true },
    issuer,
  );
  return { certPem, keyPem: privateKeyPem(keys.privateKey) };
}

/** The names the API server dials: `<service>.<ns>.svc` (what it verifies), its long form, plus extras such as 127.0.0.1. */
export function servingNames(service: string, namespace: string, extra: readonly string[] = []): string[] {
  return [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`, ...extra];
}

export function issueServing(ca: PemPair, altNames: readonly string[], now: Date): PemPair {
  const caKeys = keyPairFromPem(ca.keyPem);
  const caCert = new X509Certificate(ca.certPem);
  const keys = generateKeyPair();
  const certPem = createCertificate(
    {
      commonName: altNames[0] ?? 'weft-webhook',
      organization: ORGANIZATION,
      publicKey: keys.publicKey,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(Math.min(now.getTime() + SERVING_VALIDITY_DAYS * DAY_MS, Date.parse(caCert.validTo))),
      isCa: false,
      altNames,
    },
    { commonName: CA_COMMON_NAME, organization: ORGANIZATION, ...caKeys },
  );
  return { certPem, keyPem: privateKeyPem(keys.privateKey) };
}

/** True when the pair is a usable CA: parseable, a CA, unexpired, and the key matches. */
export function isUsableCa(ca: PemPair, now: Date): boolean {
  try {
    const cert = new X509Certificate(ca.certPem);
    const keys = keyPairFromPem(ca.keyPem);
    return cert.ca && cert.checkPrivateKey(keys.privateKey) && Date.parse(cert.validTo) > now.getTime() + SERVING_VALIDITY_DAYS * DAY_MS / 12;
  } catch {
    return false;
  }
}
