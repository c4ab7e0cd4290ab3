import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { namedBits, oid, time, unsignedInteger } from './der.ts';
import { createCa, isUsableCa, issueServing, servingNames } from './pki.ts';

const NOW = new Date('2026-12-06T08:00:00Z');
const ca = createCa(NOW);
const names = servingNames('istiod', 'istio-system', ['127.0.0.1', '::1']);
const serving = issueServing(ca, names, NOW);

describe('DER primitives', () => {
  it.each([
    ['2.5.4.3', '0603550403'],
    ['1.2.840.10045.4.3.2', '06082a8648ce3d040302'],
    ['1.3.6.1.5.5.7.3.1', '06082b06010505070301'],
  ])('oid %s', (dotted, hex) => {
    expect(oid(dotted).toString('hex')).toBe(hex);
  });
  it.each([
    ['00', '020100'],
    ['7f', '02017f'],
    ['80', '02020080'],
    ['000001', '020101'],
  ])('integer %s', (magnitude, hex) => {
    expect(unsignedInteger(Buffer.from(magnitude, 'hex')).toString('hex')).toBe(hex);
  });
  it.each([
    [[0], '03020780'],
    [[0, 5, 6], '03020186'],
    [[8], '0303070080'],
  ])('named bits %j', (bits, hex) => {
    expect(namedBits(bits).toString('hex')).toBe(hex);
  });
  it.each([
    ['2026-12-06T08:00:00Z', '170d3236313230363038303030305a'],
    ['2050-01-01T00:00:00Z', '180f32303530303130313030303030305a'],
  ])('time %s', (iso, hex) => {
    expect(time(new Date(iso)).toString('hex')).toBe(hex);
  });
});

describe('certificates, parsed by node:crypto', () => {
  const caCert = new X509Certificate(ca.certPem);
  const leaf = new X509Certificate(serving.certPem);

  it('the CA is self-signed, a CA, and valid for ten years', () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(caCert.subject).toBe('O=weft\nCN=weft-webhook-ca');
    expect(Date.parse(caCert.validTo) - NOW.getTime()).toBeGreaterThan(3649 * 86_400_000);
    expect(caCert.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
  });

  it('the serving certificate chains to the CA and names the Service and loopback', () => {
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(caCert)).toBe(true);
    expect(leaf.verify(createPublicKey(createPrivateKey(ca.keyPem)))).toBe(true);
    expect(leaf.verify(leaf.publicKey)).toBe(false);
    expect(leaf.subjectAltName).toBe('DNS:istiod.istio-system.svc, DNS:istiod.istio-system.svc.cluster.local, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(leaf.checkHost('istiod.istio-system.svc')).toBe('istiod.istio-system.svc');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(leaf.checkPrivateKey(createPrivateKey(serving.keyPem))).toBe(true);
  });

  it.each([
    ['a fresh CA', ca, true],
    ['a serving certificate (not a CA)', serving, false],
    ['a CA with another key', { certPem: ca.certPem, keyPem: serving.keyPem }, false],
    ['garbage', { certPem: 'nope', keyPem: 'nope' }, false],
  ])('isUsableCa: %s → %s', (_what, pair, usable) => {
    expect(isUsableCa(pair, NOW)).toBe(usable);
  });

  it('isUsableCa refuses a CA close to its end', () => {
    expect(isUsableCa(ca, new Date(NOW.getTime() + 3640 * 86_400_000))).toBe(false);
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe.runIf(hasOpenssl)('openssl agrees (test only; production never shells out)', () => {
  it('parses both certificates and verifies the chain for the server purpose', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-pki-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), ca.certPem);
      writeFileSync(join(dir, 'leaf.pem'), serving.certPem);
      const text = execFileSync('openssl', ['x509', '-in', join(dir, 'leaf.pem'), '-noout', '-text'], { encoding: 'utf8' });
      expect(text).toContain('DNS:istiod.istio-system.svc');
      expect(text).toContain('TLS Web Server Authentication');
      const verify = spawnSync('openssl', ['verify', '-purpose', 'sslserver', '-attime', String(Math.floor(NOW.getTime() / 1000) + 60), '-CAfile', join(dir, 'ca.pem'), join(dir, 'leaf.pem')], { encoding: 'utf8' });
      expect(verify.stdout + verify.stderr).toContain(': OK');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
