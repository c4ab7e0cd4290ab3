/**
 * Acceptance 4, leader election between two `weft operator` processes on one Lease:
 * - SIGKILL of the leader: the standby takes over after the lease runs out and reconciles;
 * - SIGTERM of the leader: it releases the Lease and a standby takes over at its next retry;
 * - a leader paused past the lease (SIGSTOP): a standby takes over; resumed, the old leader finds
 *   its renew deadline passed, writes nothing and exits 1 (ADR 37);
 * - never two writers: both processes' leader gauges are sampled throughout and are never 1 at
 *   once, the standby sends no write while the other leads, and the Lease's holder history is
 *   exactly one hand-over per step.
 * Measured times are printed; the deadlines are generous bounds, not speed assertions.
 */
import { CoordinationV1Api } from '@kubernetes/client-node';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { clients, createTestNamespace, eventually } from './support/kube.ts';
import { applyMcpOk, conditionFor, deleteMcp, installSpec, suffix } from './support/operator.ts';
import { spawnOperator, type OperatorProcess } from './support/operator-process.ts';

const c = clients();
const coordination = c.kc.makeApiClient(CoordinationV1Api);
const id = suffix();
const name = `leader-${id}`;
const namespace = `mesh-leader-${id}`;
const logDir = inject('clusterLogDir') === '' ? '/tmp' : inject('clusterLogDir');
let leaseNamespace = '';
const processes: OperatorProcess[] = [];
const holders: string[] = [];
const overlaps: string[] = [];
let sampling = true;
let samples = 0;
const samplerErrors: string[] = [];
let sampler: Promise<void> | undefined;

const holder = async (): Promise<string> => (await coordination.readNamespacedLease({ name: 'weft-operator', namespace: leaseNamespace }).catch(() => undefined))?.spec?.holderIdentity ?? '';

/** Every 200 ms: the Lease holder (history without repeats) and whether two processes claim to lead. */
async function sample(): Promise<void> {
  while (sampling) {
    try {
      const [h, ...leading] = await Promise.all([holder(), ...processes.map(async (p) => ((await p.isLeader()) === true ? p.identity : undefined))]);
      if (h !== '' && holders.at(-1) !== h) holders.push(h);
      const leaders = leading.filter((l) => l !== undefined);
      if (leaders.length > 1) overlaps.push(leaders.join('+'));
      samples++;
    } catch (err) {
      samplerErrors.push(err instanceof Error ? err.message : String(err));
    }
    await delay(200);
  }
}

async function start(identity: string): Promise<OperatorProcess> {
  const p = await spawnOperator(identity, leaseNamespace, join(logDir, `operator-${identity}.log`));
  processes.push(p);
  await eventually(`${identity} serving /metrics`, async () => (await p.isLeader()) !== undefined, 30_000);
  return p;
}

beforeAll(async () => {
  leaseNamespace = await createTestNamespace(c, 'lease');
  sampler = sample();
});

afterAll(async () => {
  sampling = false;
  await sampler;
  await deleteMcp(name);
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await Promise.all(processes.map((p) => p.exited));
});

describe('two operator processes on one Lease', () => {
  let a: OperatorProcess;
  let b: OperatorProcess;
  let c3: OperatorProcess;

  it('one leads and reconciles; the standby writes nothing', async () => {
    a = await start(`a-${id}`);
    await eventually('a holds the Lease', async () => (await holder()) === a.identity, 30_000);
    b = await start(`b-${id}`);
    await applyMcpOk(name, installSpec(namespace));
    await eventually('Ready True', () => conditionFor(c, name, 'Ready', 'True'), 90_000);
    expect(await a.isLeader()).toBe(true);
    expect(await b.isLeader()).toBe(false);
    expect(await a.writes()).toBeGreaterThan(0);
    expect(await b.writes()).toBe(0);
  });

  it('SIGKILL of the leader: the standby takes over within the lease time and reconciles', async () => {
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    await eventually('b holds the Lease', async () => (await holder()) === b.identity, 40_000);
    const takeoverMs = Date.now() - killedAt;
    await eventually('b leads', async () => (await b.isLeader()) === true, 10_000);
    await applyMcpOk(name, { ...installSpec(namespace), components: { ...installSpec(namespace).components, pilot: { replicas: 2 } } });
    await eventually('istiod scaled by b', async () => (await c.apps.readNamespacedDeployment({ name: 'istiod', namespace })).spec?.replicas === 2, 30_000);
    const reconciledMs = Date.now() - killedAt;
    process.stderr.write(`[operator-leader] SIGKILL → standby holds the Lease: ${String(takeoverMs)} ms; → a spec change reconciled by it: ${String(reconciledMs)} ms\n`);
    expect(await b.writes()).toBeGreaterThan(0);
  });

  it('SIGTERM of the leader: it releases the Lease, exits 0, and a standby takes over at its next retry', async () => {
    const s = await start(`c-${id}`);
    c3 = s;
    expect(await s.isLeader()).toBe(false);
    const termAt = Date.now();
    b.child.kill('SIGTERM');
    await eventually('c holds the Lease', async () => (await holder()) === s.identity, 20_000);
    const handoverMs = Date.now() - termAt;
    expect(await b.exited).toBe(0);
    await eventually('c leads', async () => (await s.isLeader()) === true, 10_000);
    process.stderr.write(`[operator-leader] SIGTERM → the standby holds the Lease: ${String(handoverMs)} ms\n`);
  });

  it('a leader paused past the lease (SIGSTOP) loses it: a standby takes over, and on SIGCONT the old one exits 1', async () => {
    const d = await start(`d-${id}`);
    const pausedAt = Date.now();
    c3.child.kill('SIGSTOP');
    await eventually('d holds the Lease', async () => (await holder()) === d.identity, 40_000);
    const takeoverMs = Date.now() - pausedAt;
    c3.child.kill('SIGCONT');
    expect(await c3.exited).toBe(1);
    await eventually('d leads', async () => (await d.isLeader()) === true, 10_000);
    process.stderr.write(`[operator-leader] SIGSTOP of the leader → the standby holds the Lease: ${String(takeoverMs)} ms; the resumed one exited 1\n`);
  });

  it('there were never two leaders, and the Lease passed a → b → c → d', async () => {
    const last = `d-${id}`;
    await eventually('the sampler saw d hold the Lease', () => Promise.resolve(holders.at(-1) === last), 10_000).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}; holders ${JSON.stringify(holders)}, ${String(samples)} samples, errors ${JSON.stringify(samplerErrors.slice(-3))}`);
    });
    process.stderr.write(`[operator-leader] ${String(samples)} samples of every leader gauge and the Lease holder; overlaps: ${String(overlaps.length)}\n`);
    expect(overlaps).toEqual([]);
    expect(holders).toEqual([a.identity, b.identity, c3.identity, last]);
    expect(samplerErrors).toEqual([]);
  });
});
