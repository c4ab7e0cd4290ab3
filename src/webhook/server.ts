/**
 * The HTTPS endpoint the API server calls: POST /validate with an AdmissionReview (JSON). Anything
 * it cannot read gets a 400 with the reason; the process never falls over on a request.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.ts';
import { admit } from './admission.ts';
import type { PemPair } from './pki.ts';

export const VALIDATE_PATH = '/validate';
/** The API server sends at most ~3 MiB objects; anything larger is not a review. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface WebhookServer {
  readonly port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json' });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => { resolve(size > MAX_BODY_BYTES ? { ok: false, error: 'request body too large' } : { ok: true, text: Buffer.concat(chunks).toString('utf8') }); });
    req.on('error', (err) => { resolve({ ok: false, error: err.message }); });
  });
}

/** The request handler, exported for the benchmark's in-process measurement. */
export function handleValidate(text: string): { code: number; body: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { code: 400, body: 'request body is not JSON' };
  }
  const outcome = admit(parsed);
  return outcome.type === 'review' ? { code: 200, body: outcome.review } : { code: 400, body: outcome.message };
}

async function route(req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  if (path !== VALIDATE_PATH) {
    send(res, 404, 'not found');
    return;
  }
  if (req.method !== 'POST') {
    send(res, 405, 'use POST');
    return;
  }
  const body = await readBody(req);
  const result = body.ok ? handleValidate(body.text) : { code: 400, body: body.error };
  if (result.code !== 200) log.warn({ reason: result.body }, 'malformed admission request');
  send(res, result.code, result.body);
}

export function startWebhookServer(options: { readonly host: string; readonly port: number; readonly serving: PemPair; readonly log: Logger }): Promise<WebhookServer> {
  const { log } = options;
  const server: Server = createServer({ cert: options.serving.certPem, key: options.serving.keyPem, minVersion: 'TLSv1.2' }, (req, res) => {
    route(req, res, log).catch((err: unknown) => {
      log.error({ err }, 'webhook request failed');
      if (!res.headersSent) send(res, 500, 'internal error');
    });
  });
  server.on('tlsClientError', (err) => { log.debug({ err }, 'webhook TLS handshake failed'); });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => { server.close(() => { done(); }); server.closeAllConnections(); }),
      });
    });
  });
}
