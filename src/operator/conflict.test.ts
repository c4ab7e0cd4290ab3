import { describe, expect, it } from 'vitest';
import { detectNamespaceConflict, shouldOwnNamespace } from './conflict.ts';
import type { MeshControlPlane } from './types.ts';

const mcp = (name: string, created: string | undefined, namespace?: string): MeshControlPlane => ({
  apiVersion: 'mesh.weft.dev/v1alpha1',
  kind: 'MeshControlPlane',
  metadata: { name, ...(created !== undefined ? { creationTimestamp: created } : {}) },
  spec: namespace === undefined ? {} : { namespace },
});

const a = mcp('a', '2026-11-22T01:00:00Z', 'weft-system');
const b = mcp('b', '2026-11-22T02:00:00Z', 'weft-system');
const sameTime = mcp('c', '2026-11-22T01:00:00Z', 'weft-system');
const defaulted = mcp('d', '2026-11-22T03:00:00Z');
const elsewhere = mcp('e', '2026-11-22T00:00:00Z', 'other');

describe('detectNamespaceConflict', () => {
  it.each([
    ['alone', a, [a], undefined],
    ['older wins', b, [a, b], 'a'],
    ['the older one keeps it', a, [a, b], undefined],
    ['same time: name decides', sameTime, [a, sameTime], 'a'],
    ['default namespace counts as weft-system', defaulted, [a, defaulted], 'a'],
    ['other namespaces do not conflict', a, [a, elsewhere], undefined],
    ['order of the list does not matter', b, [b, a], 'a'],
  ])('%s', (_n, subject, all, holder) => {
    const claim = detectNamespaceConflict(subject, all);
    if (holder === undefined) expect(claim).toEqual({ conflict: false });
    else expect(claim).toMatchObject({ conflict: true, holder, namespace: 'weft-system' });
  });

  it('names the holder and the namespace in the message', () => {
    const claim = detectNamespaceConflict(b, [a, b]);
    expect(claim.conflict && claim.message).toBe('namespace weft-system is already managed by MeshControlPlane a (created earlier); choose another spec.namespace');
  });
});

describe('shouldOwnNamespace', () => {
  it.each([
    ['absent: create it', undefined, true],
    ['created by us before', { metadata: { name: 'ns', ownerReferences: [{ uid: 'u1' }] } }, true],
    ['pre-existing: never taken over', { metadata: { name: 'ns' } }, false],
    ['owned by something else', { metadata: { name: 'ns', ownerReferences: [{ uid: 'other' }] } }, false],
  ])('%s', (_n, existing, expected) => {
    expect(shouldOwnNamespace(existing, 'u1')).toBe(expected);
  });
});
