/**
 * Self-issued X.509 v3 certificates for the webhook: a CA and the serving certificates it signs.
 * Keys are ECDSA P-256 from node:crypto; the TBSCertificate is DER-encoded here and signed with
 * crypto.sign (ECDSA with SHA-256, DER signature), then wrapped as RFC 5280 §4.1 describes.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { bitString, boolean, explicit, implicitPrimitive, namedBits, octetString, oid, sequence, set, smallInteger, time, unsignedInteger, utf8String } from './der.ts';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export interface CertificateRequest {
  readonly commonName: string;
  readonly organization?: string;
  readonly publicKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Present for a CA certificate (keyCertSign); absent for a TLS server certificate. */
  readonly isCa: boolean;
  /** subjectAltName entries; IPv4/IPv6 literals become iPAddress entries, the rest dNSName. */
  readonly altNames?: readonly string[];
}

/** The issuer: its own certificate's subject and its key pair. */
export interface Issuer {
  readonly commonName: string;
  readonly organization?: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function generateKeyPair(): KeyPair {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

export const privateKeyPem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();
export function keyPairFromPem(pem: string): KeyPair {
  const privateKey = createPrivateKey(pem);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function name(commonName: string, organization: string | undefined): Buffer {
  const rdn = (type: string, value: string): Buffer => set(sequence(oid(type), utf8String(value)));
  return sequence(...(organization === undefined ? [] : [rdn(OID.organization, organization)]), rdn(OID.commonName, commonName));
}

const spki = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });

/** RFC 5280 §4.2.1.2 method (1) in spirit: SHA-1 over the encoded public key, here the whole SPKI. */
const keyId = (key: KeyObject): Buffer => createHash('sha1').update(spki(key)).digest();

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  const [head = '', tail = ''] = address.split('::');
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = groups(tail);
  const all = address.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.from(all.flatMap((g) => { const n = Number.parseInt(g, 16); return [n >> 8, n & 0xff]; }));
}

function altName(entry: string): Buffer {
  return isIP(entry) === 0 ? implicitPrimitive(2, Buffer.from(entry, 'ascii')) : implicitPrimitive(7, ipBytes(entry));
}

function extensions(req: CertificateRequest, issuerKey: KeyObject): Buffer {
  const usage = req.isCa ? [KEY_USAGE.digitalSignature, KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign] : [KEY_USAGE.digitalSignature];
  const list = [
    extension(OID.keyUsage, true, namedBits(usage)),
    extension(OID.basicConstraints, true, req.isCa ? sequence(boolean(true)) : sequence()),
    extension(OID.subjectKeyId, false, octetString(keyId(req.publicKey))),
    extension(OID.authorityKeyId, false, sequence(implicitPrimitive(0, keyId(issuerKey)))),
    ...(req.isCa ? [] : [extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth)))]),
    ...(req.altNames === undefined || req.altNames.length === 0 ? [] : [extension(OID.subjectAltName, false, sequence(...req.altNames.map(altName)))]),
  ];
  return explicit(3, sequence(...list));
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Builds and signs one certificate; a self-signed CA names itself as the issuer. */
export function createCertificate(req: CertificateRequest, issuer: Issuer): string {
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  // 16 random bytes with the top bit cleared: a positive serial of at most 20 octets (§4.1.2.2).
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    algorithm,
    name(issuer.commonName, issuer.organization),
    sequence(time(req.notBefore), time(req.notAfter)),
    name(req.commonName, req.organization),
    spki(req.publicKey),
    extensions(req, issuer.publicKey),
  );
  const signature = sign('sha256', tbs, issuer.privateKey);
  return toPem(sequence(tbs, algorithm, bitString(signature)));
}
