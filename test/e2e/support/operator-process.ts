/**
 * `weft operator` as a separate process (node src/main.ts operator) against the test cluster, with
 * leader election on a Lease in a given namespace, its /metrics on a port of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { inject } from 'vitest';
import { freePort } from '../cluster/processes.ts';
import { parseMetric } from './operator.ts';

const MAIN = resolve(import.meta.dirname, '../../../src/main.ts');

export interface OperatorProcess {
  readonly identity: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
  /** One scrape of /metrics, or undefined if the process does not answer. */
  metrics(): Promise<string | undefined>;
  /** weft_leader_election_is_leader, or undefined if the process does not answer. */
  isLeader(): Promise<boolean | undefined>;
  /** The sum of weft_controller_writes_total, or undefined if the process does not answer. */
  writes(): Promise<number | undefined>;
}

export async function spawnOperator(identity: string, leaseNamespace: string, logFile: string): Promise<OperatorProcess> {
  const port = await freePort();
  const log = createWriteStream(logFile, { flags: 'a' });
  await new Promise((done) => log.once('open', done));
  const child = spawn(process.execPath, [MAIN, 'operator', '--leader-elect', `--lease-namespace=${leaseNamespace}`, `--identity=${identity}`, '--monitoring-address=127.0.0.1', `--monitoring-port=${String(port)}`, '--log-format=json'], {
    env: { ...process.env, KUBECONFIG: inject('kubeconfig'), WEFT_IMAGE: 'weft:e2e' },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<number | string>((done) => child.once('exit', (code, signal) => { done(signal ?? code ?? -1); }));
  const metrics = async (): Promise<string | undefined> => {
    try {
      const res = await fetch(`http://127.0.0.1:${String(port)}/metrics`, { signal: AbortSignal.timeout(1000) });
      return res.ok ? await res.text() : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    identity,
    port,
    child,
    exited,
    metrics,
    async isLeader() {
      const text = await metrics();
      return text === undefined ? undefined : parseMetric(text, 'weft_leader_election_is_leader').some((s) => s.value === 1);
    },
    async writes() {
      const text = await metrics();
      return text === undefined ? undefined : parseMetric(text, 'weft_controller_writes_total').reduce((sum, s) => sum + s.value, 0);
    },
  };
}
