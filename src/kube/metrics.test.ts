import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createControllerMetrics } from './metrics.ts';

describe('createControllerMetrics', () => {
  it('counts reconciles by result and observes their duration', async () => {
    const registry = new Registry();
    const m = createControllerMetrics(registry, 'meshcontrolplane');
    m.queue.reconciled?.('done', 120);
    m.queue.reconciled?.('done', 80);
    m.queue.reconciled?.('retry', 5);
    const text = await registry.metrics();
    expect(text).toContain('weft_controller_reconcile_total{controller="meshcontrolplane",result="done"} 2');
    expect(text).toContain('weft_controller_reconcile_total{controller="meshcontrolplane",result="retry"} 1');
    expect(text).toContain('weft_controller_reconcile_duration_seconds_count{controller="meshcontrolplane"} 3');
    expect(text).toContain('weft_controller_reconcile_duration_seconds_bucket{le="0.1",controller="meshcontrolplane"} 2');
  });

  it.each([
    [true, 1],
    [false, 0],
  ])('reports leader=%s as %i, and the queue depth', async (leader, value) => {
    const registry = new Registry();
    const m = createControllerMetrics(registry, 'c');
    m.setLeader(leader);
    m.queue.depth?.(4);
    const text = await registry.metrics();
    expect(text).toContain(`weft_leader_election_is_leader{controller="c"} ${value}`);
    expect(text).toContain('weft_controller_queue_depth{controller="c"} 4');
  });

  it('counts informer restarts and handler errors; two controllers share one registry', async () => {
    const registry = new Registry();
    const a = createControllerMetrics(registry, 'a');
    createControllerMetrics(registry, 'b');
    a.informer.restart?.('Deployment');
    a.informer.handlerError?.('Deployment', 'update');
    const text = await registry.metrics();
    expect(text).toContain('weft_informer_restarts_total{kind="Deployment"} 1');
    expect(text).toContain('weft_informer_handler_errors_total{kind="Deployment",event="update"} 1');
    expect(text).toContain('weft_controller_queue_depth{controller="b"} 0');
  });

  it('counts lists by kind and writes by verb', async () => {
    const registry = new Registry();
    const m = createControllerMetrics(registry, 'c');
    m.informer.list?.('Deployment');
    m.informer.list?.('Deployment');
    m.write('apply');
    m.write('status');
    m.write('apply');
    const text = await registry.metrics();
    expect(text).toContain('weft_informer_lists_total{kind="Deployment"} 2');
    expect(text).toContain('weft_controller_writes_total{verb="apply"} 2');
    expect(text).toContain('weft_controller_writes_total{verb="status"} 1');
  });
});
