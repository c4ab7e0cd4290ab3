import { ListWatch, type KubernetesListObject, type KubernetesObject, type Watch } from '@kubernetes/client-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from './fake-clock.ts';
import { createInformer, objectKey, ownerKey, type InformerEvent } from './informer.ts';

const log = pino({ level: 'silent' });

interface WatchCall {
  readonly params: Record<string, unknown>;
  readonly emit: (phase: string, obj: unknown) => void;
  readonly end: (err: unknown) => void;
}

/** Stands in for client-node's Watch: the test emits events and ends streams. */
function fakeWatch() {
  const calls: WatchCall[] = [];
  const watch = {
    watch(_path: string, params: Record<string, unknown>, cb: (phase: string, obj: unknown, raw: unknown) => void, done: (err: unknown) => void): Promise<AbortController> {
      const controller = new AbortController();
      let ended = false;
      const end = (err: unknown): void => {
        if (ended) return;
        ended = true;
        done(err);
      };
      controller.signal.addEventListener('abort', () => {
        end(new DOMException('aborted', 'AbortError'));
      });
      calls.push({
        params,
        emit: (phase, obj) => {
          cb(phase, obj, obj);
        },
        end,
      });
      return Promise.resolve(controller);
    },
  };
  return { watch: watch as unknown as Watch, calls };
}

const obj = (name: string, rv: string): KubernetesObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion: rv } });
const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

function harness(lists: (KubernetesListObject<KubernetesObject> | Error)[], throwOn?: string) {
  const clock = createFakeClock();
  const fw = fakeWatch();
  let listCalls = 0;
  const listFn = (): Promise<KubernetesListObject<KubernetesObject>> => {
    const next = lists[Math.min(listCalls++, lists.length - 1)];
    if (next === undefined) throw new Error('no list scripted');
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  const listWatch = new ListWatch<KubernetesObject>('/api/v1/configmaps', fw.watch, listFn, false, undefined, undefined, { delayFn: () => Promise.resolve() });
  const events: string[] = [];
  const handlerErrors: InformerEvent[] = [];
  const restarts: string[] = [];
  const record = (event: string) => (o: KubernetesObject): void => {
    if (o.metadata?.name === throwOn) throw new Error(`handler bug on ${throwOn}`);
    events.push(`${event}:${o.metadata?.name ?? ''}`);
  };
  const informer = createInformer({
    kind: 'ConfigMap',
    listWatch,
    clock,
    log,
    resyncPeriodMs: 60_000,
    handlers: { onAdd: record('add'), onUpdate: record('update'), onDelete: record('delete'), onResync: record('resync') },
    metrics: { handlerError: (_k, e) => handlerErrors.push(e), restart: (k) => restarts.push(k) },
  });
  return { clock, calls: fw.calls, informer, events, handlerErrors, restarts, listCalls: () => listCalls };
}

const list = (rv: string, ...items: KubernetesObject[]): KubernetesListObject<KubernetesObject> => ({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: rv }, items });

describe('createInformer', () => {
  it('lists, then watches from the list resourceVersion', async () => {
    const h = harness([list('10', obj('a', '5'))]);
    await h.informer.start();
    expect(h.informer.hasSynced()).toBe(true);
    expect(h.events).toEqual(['add:a']);
    expect(h.calls.map((c) => c.params.resourceVersion)).toEqual(['10']);
    h.calls[0]?.emit('ADDED', obj('b', '11'));
    h.calls[0]?.emit('MODIFIED', obj('a', '12'));
    h.calls[0]?.emit('DELETED', obj('b', '13'));
    expect(h.events).toEqual(['add:a', 'add:b', 'update:a', 'delete:b']);
    expect(h.informer.list().map((o) => o.metadata?.name)).toEqual(['a']);
  });

  it('relists on 410 Gone and synthesises deletes for what vanished', async () => {
    const h = harness([list('10', obj('a', '5'), obj('b', '6')), list('50', obj('a', '5'))]);
    await h.informer.start();
    h.calls[0]?.end({ code: 410 });
    await flush();
    expect(h.listCalls()).toBe(2);
    expect(h.events).toEqual(['add:a', 'add:b', 'delete:b']);
    expect(h.calls.map((c) => c.params.resourceVersion)).toEqual(['10', '50']);
    expect(h.restarts).toEqual([]);
  });

  it('restarts the watch with exponential backoff after any other error, resuming from the last resourceVersion', async () => {
    const h = harness([list('10', obj('a', '5'))]);
    await h.informer.start();
    h.calls[0]?.emit('MODIFIED', obj('a', '20'));
    h.calls[0]?.end(new Error('ECONNRESET'));
    await flush();
    expect(h.calls).toHaveLength(1);
    h.clock.advance(799);
    await flush();
    expect(h.calls).toHaveLength(1);
    h.clock.advance(1);
    await flush();
    expect(h.calls.map((c) => c.params.resourceVersion)).toEqual(['10', '20']);
    h.calls[1]?.end(new Error('ECONNRESET'));
    await flush();
    h.clock.advance(1599);
    await flush();
    expect(h.calls).toHaveLength(2);
    h.clock.advance(1);
    await flush();
    expect(h.calls).toHaveLength(3);
    expect(h.restarts).toEqual(['ConfigMap', 'ConfigMap']);
    expect(h.listCalls()).toBe(1);
  });

  it('retries a failed first list and resolves start() only once synced', async () => {
    const h = harness([new Error('apiserver down'), list('10', obj('a', '5'))]);
    let started = false;
    void h.informer.start().then(() => (started = true));
    await flush();
    expect(started).toBe(false);
    expect(h.informer.hasSynced()).toBe(false);
    h.clock.advance(800);
    await flush();
    expect(started).toBe(true);
    expect(h.events).toEqual(['add:a']);
  });

  it('surfaces a throwing handler (logged and counted) and keeps delivering', async () => {
    const h = harness([list('10', obj('bad', '1'), obj('a', '2'))], 'bad');
    await h.informer.start();
    h.calls[0]?.emit('ADDED', obj('c', '11'));
    h.calls[0]?.emit('MODIFIED', obj('bad', '12'));
    expect(h.events).toEqual(['add:a', 'add:c']);
    expect(h.handlerErrors).toEqual(['add', 'update']);
    expect(h.calls).toHaveLength(1);
  });

  it('resyncs every cached object each period', async () => {
    const h = harness([list('10', obj('a', '5'), obj('b', '6'))]);
    await h.informer.start();
    h.clock.advance(60_000);
    expect(h.events.filter((e) => e.startsWith('resync')).sort()).toEqual(['resync:a', 'resync:b']);
    h.clock.advance(60_000);
    expect(h.events.filter((e) => e.startsWith('resync'))).toHaveLength(4);
  });

  it('stops without restarting', async () => {
    const h = harness([list('10', obj('a', '5'))]);
    await h.informer.start();
    await h.informer.stop();
    await flush();
    h.clock.advance(120_000);
    await flush();
    expect(h.calls).toHaveLength(1);
    expect(h.restarts).toEqual([]);
    expect(h.clock.pendingTimers()).toBe(0);
  });
});

describe('ownerKey', () => {
  const mcpRef = { apiVersion: 'mesh.weft.dev/v1alpha1', kind: 'MeshControlPlane', name: 'default', controller: true };
  const owner = { group: 'mesh.weft.dev', kind: 'MeshControlPlane' };
  it.each([
    ['controller owner', { metadata: { namespace: 'weft-system', ownerReferences: [mcpRef] } }, 'default'],
    ['no owners', { metadata: { namespace: 'weft-system' } }, undefined],
    ['owner not controller', { metadata: { ownerReferences: [{ ...mcpRef, controller: false }] } }, undefined],
    ['other kind', { metadata: { ownerReferences: [{ ...mcpRef, kind: 'Other' }] } }, undefined],
    ['same kind, other group', { metadata: { ownerReferences: [{ ...mcpRef, apiVersion: 'example.com/v1' }] } }, undefined],
    ['among several', { metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', controller: false }, mcpRef] } }, 'default'],
  ])('%s → %s', (_n, child, expected) => {
    expect(ownerKey(child, owner)).toBe(expected);
  });

  it('keys a namespaced owner by the child namespace', () => {
    expect(ownerKey({ metadata: { namespace: 'ns', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', controller: true }] } }, { group: 'apps', kind: 'Deployment' }, true)).toBe('ns/d');
  });
});

describe('objectKey', () => {
  it.each([
    [{ metadata: { name: 'a', namespace: 'ns' } }, 'ns/a'],
    [{ metadata: { name: 'a' } }, 'a'],
  ])('%j → %s', (o, key) => {
    expect(objectKey(o)).toBe(key);
  });
});
