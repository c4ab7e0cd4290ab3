/**
 * `npm run bench:webhook`: admission latency, p50 and p99, (1) of the handler alone (JSON parse +
 * validation + response), (2) through the HTTPS server on loopback, and (3) through a real API
 * server: a server-side dry-run create of a VirtualService with the webhook registered, against
 * the same request with no webhook (the difference is what the webhook adds to `kubectl apply`).
 * `--json` prints one JSON object; `--offline` skips the API server half.
 */
import { Agent, request } from 'node:https';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { createCa, issueServing } from '../../src/webhook/pki.ts';
import { handleValidate, startWebhookServer } from '../../src/webhook/server.ts';
import { clusterLatency, type ClusterLatency } from './cluster.ts';
import { percentiles, review, vsObject } from './reviews.ts';

const N = Number(process.env.BENCH_REQUESTS ?? 2000);
const JSON_OUT = process.argv.includes('--json');
const OFFLINE = process.argv.includes('--offline');
const progress = (line: string): void => void process.stderr.write(`[bench:webhook] ${line}\n`);

const bodies = [review('a', vsObject('valid', 50)), review('b', vsObject('invalid', 150))];

function handlerAlone(): number[] {
  for (let i = 0; i < 200; i++) handleValidate(bodies[i % 2] ?? '');
  const samples: number[] = [];
  for (let i = 0; i < N; i++) {
    const start = performance.now();
    handleValidate(bodies[i % 2] ?? '');
    samples.push(performance.now() - start);
  }
  return samples;
}

async function overHttps(): Promise<number[]> {
  const ca = createCa(new Date());
  const server = await startWebhookServer({ host: '127.0.0.1', port: 0, serving: issueServing(ca, ['127.0.0.1'], new Date()), log: pino({ level: 'silent' }) });
  // The API server keeps its connections to a webhook alive; so does this client.
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: ca.certPem });
  const post = (body: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/validate', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  const samples: number[] = [];
  const count = Math.min(N, 500);
  for (let i = 0; i < count + 50; i++) {
    const start = performance.now();
    await post(bodies[i % 2] ?? '');
    if (i >= 50) samples.push(performance.now() - start);
  }
  agent.destroy();
  await server.close();
  return samples;
}

const handler = percentiles(handlerAlone());
progress(`handler alone: p50 ${String(handler.p50Ms)} ms, p99 ${String(handler.p99Ms)} ms`);
const https = percentiles(await overHttps());
progress(`HTTPS on a kept-alive connection: p50 ${String(https.p50Ms)} ms, p99 ${String(https.p99Ms)} ms`);
const cluster: ClusterLatency | { status: string } = OFFLINE ? { status: 'skipped (--offline)' } : await clusterLatency(Math.min(N, 300), progress);

const report = { benchmark: 'webhook', node: process.version, loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100, cpus: cpus().length, handler, https, cluster };
if (JSON_OUT) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  const rows: string[][] = [
    ['handler alone (parse + validate + respond)', String(handler.n), handler.p50Ms.toFixed(3), handler.p99Ms.toFixed(3)],
    ['HTTPS round trip, kept-alive connection', String(https.n), https.p50Ms.toFixed(3), https.p99Ms.toFixed(3)],
    ...('status' in cluster
      ? []
      : [
          ['API server dry-run create, no webhook', String(cluster.without.n), cluster.without.p50Ms.toFixed(3), cluster.without.p99Ms.toFixed(3)],
          ['API server dry-run create, webhook (admitted)', String(cluster.admitted.n), cluster.admitted.p50Ms.toFixed(3), cluster.admitted.p99Ms.toFixed(3)],
          ['API server dry-run create, webhook (denied)', String(cluster.denied.n), cluster.denied.p50Ms.toFixed(3), cluster.denied.p99Ms.toFixed(3)],
        ]),
  ];
  const header = ['measurement', 'n', 'p50 ms', 'p99 ms'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  const footer = 'status' in cluster ? [`cluster: ${cluster.status}`] : [];
  process.stdout.write([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', `load average ${String(report.loadAverage1m)} on ${String(report.cpus)} CPUs`, ...footer, ''].join('\n'));
}
