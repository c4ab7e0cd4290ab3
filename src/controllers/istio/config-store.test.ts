import { describe, expect, it } from 'vitest';
import { configKey, createConfigStore } from './config-store.ts';

const vs = (generation: number, weight: number, host = 'reviews'): unknown => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'default', generation },
  spec: { hosts: [host], http: [{ route: [{ destination: { host }, weight }] }] },
});
const key = configKey('VirtualService', 'default', 'reviews');

describe('ConfigStore', () => {
  it('serves a valid generation', () => {
    const store = createConfigStore();
    expect(store.observe(key, vs(1, 100))).toEqual({ servedChanged: true, verdictChanged: true });
    expect(store.get(key)).toMatchObject({ generation: 1, errors: [], served: { generation: 1 } });
    expect(store.served()).toHaveLength(1);
  });

  it('keeps serving the last accepted generation when a new one is invalid', () => {
    const store = createConfigStore();
    store.observe(key, vs(1, 100));
    expect(store.observe(key, vs(2, -1))).toEqual({ servedChanged: false, verdictChanged: true });
    const stored = store.get(key);
    expect(stored?.generation).toBe(2);
    expect(stored?.errors.length).toBeGreaterThan(0);
    expect(stored?.errors[0]?.path).toMatch(/^spec\.http\[0\]\.route\[0\]/);
    expect(stored?.served?.generation).toBe(1);
    expect(store.served()).toHaveLength(1);
  });

  it('never serves an object that was never valid', () => {
    const store = createConfigStore();
    store.observe(key, vs(1, -1));
    expect(store.get(key)?.served).toBeUndefined();
    expect(store.served()).toEqual([]);
  });

  it('ignores updates that keep the generation (status writes)', () => {
    const store = createConfigStore();
    store.observe(key, vs(3, 100));
    expect(store.observe(key, vs(3, 100, 'changed-only-in-this-copy'))).toEqual({ servedChanged: false, verdictChanged: false });
  });

  it('stops serving a deleted object', () => {
    const store = createConfigStore();
    store.observe(key, vs(1, 100));
    expect(store.remove(key)).toBe(true);
    expect(store.served()).toEqual([]);
    expect(store.remove(key)).toBe(false);
  });

  it('returns served resources sorted by key', () => {
    const store = createConfigStore();
    const other = { ...(vs(1, 100) as object), metadata: { name: 'a-first', namespace: 'default', generation: 1 } };
    store.observe(key, vs(1, 100));
    store.observe(configKey('VirtualService', 'default', 'a-first'), other);
    expect(store.served().map((r) => r.metadata.name)).toEqual(['a-first', 'reviews']);
  });
});
