/**
 * Contract tests: real @grpc/grpc-js-xds channels make real calls to real gRPC servers on
 * loopback, with routing driven only by our ADS server. Each test uses its own listener name
 * and proxy group (group = node id), so tests do not share state.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { routeTo } from '../fixtures.ts';
import { startHarness, until, type Harness } from '../testing/harness.ts';
import { startBackend, type Backend } from './backends.ts';
import { anyPath, scenarioResources, type Scenario } from './scenario.ts';
import { callSequentially, countBy, openXdsChannel, type CallResult, type XdsTestChannel } from './xds-client.ts';

let h: Harness;
const backends: Backend[] = [];
const channels: XdsTestChannel[] = [];

beforeAll(async () => {
  h = await startHarness({ resolveGroup: (node) => node.id });
});
afterAll(async () => {
  await h.stop();
});
afterEach(async () => {
  for (const channel of channels.splice(0)) channel.close();
  await Promise.all(backends.splice(0).map((b) => b.stop()));
});

async function backendsNamed(...names: string[]): Promise<Backend[]> {
  const started = await Promise.all(names.map((n) => startBackend(n)));
  backends.push(...started);
  return started;
}

function publish(scenario: Scenario): void {
  const outcome = h.cache.setResources(`contract-${scenario.target}`, scenarioResources(scenario));
  if (!outcome.ok) throw new Error(outcome.problems.join('; '));
}

function channel(target: string): XdsTestChannel {
  const c = openXdsChannel(h.address, target);
  channels.push(c);
  return c;
}

const successes = (results: readonly CallResult[]): number => results.filter((r) => r.ok).length;

describe('grpc-js-xds against our ADS server', { timeout: 30_000 }, () => {
  it('splits weighted clusters 70/30 within ±5% over 1,000 calls', async () => {
    const [a, b] = await backendsNamed('a', 'b');
    if (a === undefined || b === undefined) throw new Error('backends');
    publish({
      target: 'weighted',
      clusters: [
        { name: 'weighted-a', backends: [a] },
        { name: 'weighted-b', backends: [b] },
      ],
      routes: [{ match: anyPath, route: { weighted_clusters: { clusters: [{ name: 'weighted-a', weight: { value: 70 } }, { name: 'weighted-b', weight: { value: 30 } }] } } }],
    });
    const counts = countBy(await callSequentially(channel('weighted'), 1_000));
    expect(counts.a ?? 0).toBeGreaterThanOrEqual(650);
    expect(counts.a ?? 0).toBeLessThanOrEqual(750);
    expect((counts.a ?? 0) + (counts.b ?? 0)).toBe(1_000);
  });

  it('routes by header match', async () => {
    const [stable, canary] = await backendsNamed('stable', 'canary');
    if (stable === undefined || canary === undefined) throw new Error('backends');
    publish({
      target: 'headers',
      clusters: [
        { name: 'headers-stable', backends: [stable] },
        { name: 'headers-canary', backends: [canary] },
      ],
      routes: [
        { match: { prefix: '', headers: [{ name: 'x-canary', string_match: { exact: 'yes' } }] }, route: { cluster: 'headers-canary' } },
        routeTo('headers-stable'),
      ],
    });
    const c = channel('headers');
    expect(countBy(await callSequentially(c, 20, { 'x-canary': 'yes' }))).toEqual({ canary: 20 });
    expect(countBy(await callSequentially(c, 20, { 'x-canary': 'no' }))).toEqual({ stable: 20 });
  });

  it('injects fault aborts at the configured percentage', async () => {
    const [a] = await backendsNamed('a');
    if (a === undefined) throw new Error('backends');
    publish({
      target: 'abort',
      clusters: [{ name: 'abort-a', backends: [a] }],
      listener: { fault: { abort: { grpc_status: grpc.status.RESOURCE_EXHAUSTED, percentage: { numerator: 40, denominator: 'HUNDRED' } } } },
      routes: [routeTo('abort-a')],
    });
    const counts = countBy(await callSequentially(channel('abort'), 500));
    expect(counts['error:RESOURCE_EXHAUSTED'] ?? 0).toBeGreaterThanOrEqual(150);
    expect(counts['error:RESOURCE_EXHAUSTED'] ?? 0).toBeLessThanOrEqual(250);
    expect(counts.a ?? 0).toBe(500 - (counts['error:RESOURCE_EXHAUSTED'] ?? 0));
  });

  it('injects fault delays at the configured percentage (delayed calls miss their deadline)', async () => {
    const [a] = await backendsNamed('a');
    if (a === undefined) throw new Error('backends');
    publish({
      target: 'delay',
      clusters: [{ name: 'delay-a', backends: [a] }],
      listener: { fault: { delay: { fixed_delay: { seconds: 30 }, percentage: { numerator: 50, denominator: 'HUNDRED' } } } },
      routes: [routeTo('delay-a')],
    });
    const c = channel('delay');
    let warm = 0;
    while (!(await c.call({ deadlineMs: 1_500 })).ok) if (++warm > 20) throw new Error('no call got through');
    const callsBefore = a.calls;
    const results = await Promise.all(Array.from({ length: 200 }, () => c.call({ deadlineMs: 1_500 })));
    const counts = countBy(results);
    expect(counts['error:DEADLINE_EXCEEDED'] ?? 0).toBeGreaterThanOrEqual(65);
    expect(counts['error:DEADLINE_EXCEEDED'] ?? 0).toBeLessThanOrEqual(135);
    expect(a.calls - callsBefore).toBe(counts.a ?? 0);
  });

  it('applies the route timeout (max_stream_duration)', async () => {
    const [slow] = await backendsNamed('slow');
    if (slow === undefined) throw new Error('backends');
    slow.mode = 'slow';
    publish({
      target: 'timeout',
      clusters: [{ name: 'timeout-slow', backends: [slow] }],
      routes: [routeTo('timeout-slow', { max_stream_duration: { max_stream_duration: { nanos: 200_000_000 } } })],
    });
    const result = await channel('timeout').call({ deadlineMs: 10_000 });
    expect(result).toMatchObject({ ok: false, code: grpc.status.DEADLINE_EXCEEDED });
  });

  it('retries turn injected UNAVAILABLE into success', async () => {
    const [flaky] = await backendsNamed('flaky');
    if (flaky === undefined) throw new Error('backends');
    flaky.mode = 'alternate';
    const retry = { retry_on: 'unavailable', num_retries: { value: 3 }, retry_back_off: { base_interval: { nanos: 1_000_000 }, max_interval: { nanos: 5_000_000 } } };
    publish({ target: 'retry', clusters: [{ name: 'retry-flaky', backends: [flaky] }], routes: [routeTo('retry-flaky', { retry_policy: retry })] });
    const results = await callSequentially(channel('retry'), 50);
    expect(countBy(results)).toEqual({ flaky: 50 });
    expect(flaky.calls).toBeGreaterThanOrEqual(99);
  });

  it('keeps affinity by header with ring hash', async () => {
    const pool = await backendsNamed('r1', 'r2', 'r3', 'r4');
    publish({
      target: 'ringhash',
      clusters: [{ name: 'ringhash-pool', backends: pool, options: { lbPolicy: 'RING_HASH', extra: { ring_hash_lb_config: { hash_function: 'XX_HASH', minimum_ring_size: { value: 1024 } } } } }],
      routes: [routeTo('ringhash-pool', { hash_policy: [{ header: { header_name: 'x-user' } }] })],
    });
    const c = channel('ringhash');
    await c.call();
    const chosen = new Set<string>();
    for (let user = 0; user < 12; user++) {
      const counts = countBy(await callSequentially(c, 10, { 'x-user': `user-${user}` }));
      expect(Object.keys(counts)).toHaveLength(1);
      chosen.add(Object.keys(counts)[0] ?? '');
    }
    expect(chosen.size).toBeGreaterThan(1);
  });

  it('enforces max_requests circuit breaking', async () => {
    const [held] = await backendsNamed('held');
    if (held === undefined) throw new Error('backends');
    publish({ target: 'breaker', clusters: [{ name: 'breaker-held', backends: [held], options: { maxRequests: 2 } }], routes: [routeTo('breaker-held')] });
    const c = channel('breaker');
    expect(await c.call()).toMatchObject({ ok: true });
    held.mode = 'hold';
    const inflight = [c.call(), c.call()];
    await until(() => held.held === 2, 5_000, 'two held calls');
    const rejected = await Promise.all([c.call(), c.call(), c.call()]);
    expect(rejected.every((r) => !r.ok && r.code === grpc.status.UNAVAILABLE)).toBe(true);
    held.releaseHeld();
    expect(successes(await Promise.all(inflight))).toBe(2);
  });

  it('ejects a failing backend with outlier detection', async () => {
    const [good, bad] = await backendsNamed('good', 'bad');
    if (good === undefined || bad === undefined) throw new Error('backends');
    bad.mode = 'fail';
    const outlierDetection = {
      interval: { nanos: 100_000_000 },
      base_ejection_time: { seconds: 30 },
      max_ejection_percent: { value: 50 },
      enforcing_success_rate: { value: 0 },
      enforcing_failure_percentage: { value: 100 },
      failure_percentage_minimum_hosts: { value: 2 },
      failure_percentage_request_volume: { value: 5 },
      failure_percentage_threshold: { value: 50 },
    };
    publish({ target: 'outlier', clusters: [{ name: 'outlier-pool', backends: [good, bad], options: { outlierDetection } }], routes: [routeTo('outlier-pool')] });
    const c = channel('outlier');
    let streak = 0;
    const deadline = Date.now() + 15_000;
    while (streak < 30) {
      if (Date.now() > deadline) throw new Error('failing backend was never ejected');
      streak = (await c.call()).ok ? streak + 1 : 0;
    }
    const before = bad.calls;
    expect(countBy(await callSequentially(c, 20))).toEqual({ good: 20 });
    expect(bad.calls).toBe(before);
  });

  it('changes traffic when the cache changes, with no restart and no failed call', async () => {
    const [blue, green] = await backendsNamed('blue', 'green');
    if (blue === undefined || green === undefined) throw new Error('backends');
    const clusters = [
      { name: 'shift-blue', backends: [blue] },
      { name: 'shift-green', backends: [green] },
    ];
    publish({ target: 'shift', clusters, routes: [routeTo('shift-blue')] });
    const c = channel('shift');
    const results: CallResult[] = [await c.call()];
    expect(results[0]).toMatchObject({ ok: true, backend: 'blue' });
    publish({ target: 'shift', clusters, routes: [routeTo('shift-green')] });
    while (results.at(-1)?.ok !== true || (results.at(-1) as { backend: string }).backend !== 'green') {
      if (results.length > 5_000) throw new Error('traffic never moved');
      results.push(await c.call());
    }
    publish({ target: 'shift', clusters: [{ name: 'shift-green', backends: [green] }], routes: [routeTo('shift-green')] });
    results.push(...(await callSequentially(c, 20)));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(countBy(results.slice(-20))).toEqual({ green: 20 });
  });
});
