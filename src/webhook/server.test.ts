import { request } from 'node:https';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueServing } from './pki.ts';
import { startWebhookServer, type WebhookServer } from './server.ts';

const ca = createCa(new Date());
let server: WebhookServer;

beforeAll(async () => {
  server = await startWebhookServer({ host: '127.0.0.1', port: 0, serving: issueServing(ca, ['istiod.istio-system.svc', '127.0.0.1'], new Date()), log: pino({ level: 'silent' }) });
});
afterAll(() => server.close());

/** An HTTPS call that trusts only our CA, as the API server does with the caBundle. */
function call(method: string, path: string, body: string): Promise<{ code: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, ca: ca.certPem, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => { resolve({ code: res.statusCode ?? 0, text }); });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const review = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: 'abc',
    operation: 'CREATE',
    kind: { group: 'networking.istio.io', version: 'v1', kind: 'DestinationRule' },
    object: { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'r', namespace: 'default' }, spec: { host: '' } },
  },
});

describe('webhook HTTPS server (certificate verified against our CA for 127.0.0.1)', () => {
  it.each([
    ['a review', 'POST', '/validate', review, 200, '"allowed":false'],
    ['a review, with a query string', 'POST', '/validate?timeout=10s', review, 200, '"uid":"abc"'],
    ['a body that is not JSON', 'POST', '/validate', '{', 400, 'request body is not JSON'],
    ['JSON that is no review', 'POST', '/validate', '[1]', 400, 'expected an AdmissionReview'],
    ['another path', 'POST', '/mutate', review, 404, 'not found'],
    ['a GET', 'GET', '/validate', '', 405, 'use POST'],
  ])('%s → %s %s gives %i', async (_what, method, path, body, code, fragment) => {
    const res = await call(method, path, body);
    expect(res.code).toBe(code);
    expect(res.text).toContain(fragment);
  });
});
