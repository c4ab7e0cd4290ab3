import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createXdsMetrics } from './metrics.ts';

describe('xds push metrics', () => {
  it.each([
    ['one push', 1],
    ['a full buffer', 1024],
    ['more than a buffer', 2500],
  ])('counts every recorded push (%s) when the series are read', async (_name, n) => {
    const registry = new Registry();
    const metrics = createXdsMetrics(registry);
    for (let i = 0; i < n; i++) metrics.recordPush(i % 2 === 0 ? 'eds' : 'cds', 10, 0.0001);
    const text = await registry.metrics();
    expect(text).toContain(`weft_xds_pushes_total{type="eds"} ${String(Math.ceil(n / 2))}`);
    expect(text).toContain(`weft_xds_push_bytes_total{type="eds"} ${String(Math.ceil(n / 2) * 10)}`);
    expect(text).toContain(`weft_xds_push_seconds_count{type="eds"} ${String(Math.ceil(n / 2))}`);
    if (n > 1) expect(text).toContain(`weft_xds_pushes_total{type="cds"} ${String(Math.floor(n / 2))}`);
  });

  it('feeds a series read on its own', async () => {
    const metrics = createXdsMetrics(new Registry());
    metrics.recordPush('rds', 5, 0.002);
    const value = (await metrics.pushTime.get()).values.find((v) => v.metricName === 'weft_xds_push_seconds_sum' && v.labels.type === 'rds')?.value;
    expect(value).toBe(0.002);
  });

  it('does not count a push twice across reads', async () => {
    const registry = new Registry();
    const metrics = createXdsMetrics(registry);
    metrics.recordPush('lds', 1, 0.001);
    await registry.metrics();
    expect(await registry.metrics()).toContain('weft_xds_pushes_total{type="lds"} 1');
  });
});
