/**
 * The `npm start` demo (src/demo/run.ts, config/demo/hello.yaml) on the real control plane: kwok
 * pods, echo servers on their IPs in the pod network namespace, and a grpc-js-xds client whose
 * routing comes only from Weft's xDS. The split it prints is the VirtualService's 80/20.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubeRequest } from '../../src/kube/apply.ts';
import { runDemo, type DemoOutcome } from '../../src/demo/run.ts';
import { startDiscovery, type RunningDiscovery } from './support/discovery.ts';
import { clients } from './support/kube.ts';

const c = clients();
const CALLS = 400;
let discovery: RunningDiscovery;
let outcome: DemoOutcome | undefined;

beforeAll(async () => {
  discovery = await startDiscovery(c.kc);
});

afterAll(async () => {
  if (outcome?.ok === true) await outcome.stop();
  await kubeRequest(c.kc, 'DELETE', '/api/v1/namespaces/demo').catch(() => undefined);
  await discovery.stop();
});

describe('npm start demo', () => {
  it(`splits ${String(CALLS)} calls 80/20 (±7.5%, 3.75 σ) between v1 and v2, with no failed call`, async () => {
    outcome = await runDemo(c.kc, inject('podNetns'), `127.0.0.1:${String(discovery.xdsPort)}`, CALLS);
    expect(outcome.ok ? 'ran' : outcome.reason).toBe('ran');
    if (!outcome.ok) return;
    expect([...outcome.counts.keys()].sort()).toEqual(['v1', 'v2']);
    expect(outcome.counts.get('v1') ?? 0).toBeGreaterThanOrEqual(CALLS * 0.8 - CALLS * 0.075);
    expect(outcome.counts.get('v1') ?? 0).toBeLessThanOrEqual(CALLS * 0.8 + CALLS * 0.075);
  });
});
