import { describe, expect, it } from 'vitest';
import { createApplyMemo } from './apply-memo.ts';
import type { KubeObject } from './render/common.ts';

const cm = (data: string, name = 'istio'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'weft-system' }, data: { mesh: data } }) as KubeObject;

describe('createApplyMemo', () => {
  it.each([
    ['never applied', [], cm('a'), '5', true],
    ['same content, same resourceVersion', [[cm('a'), '5']], cm('a'), '5', false],
    ['same content, child edited since (resourceVersion moved)', [[cm('a'), '5']], cm('a'), '6', true],
    ['same content, child gone from the cache', [[cm('a'), '5']], cm('a'), undefined, true],
    ['new rendered content', [[cm('a'), '5']], cm('b'), '5', true],
    ['another child of the same kind', [[cm('a'), '5']], cm('a', 'other'), '5', true],
    ['an apply that answered no resourceVersion is not remembered', [[cm('a'), '']], cm('a'), '', true],
    ['the latest apply wins', [[cm('a'), '5'], [cm('b'), '7']], cm('b'), '7', false],
  ] as const)('%s → apply: %s', (_name, history, object, cached, expected) => {
    const memo = createApplyMemo();
    for (const [o, rv] of history) memo.applied(o, rv);
    expect(memo.needsApply(object, cached)).toBe(expected);
  });

  it('applies again after forget', () => {
    const memo = createApplyMemo();
    memo.applied(cm('a'), '5');
    memo.forget(cm('a'));
    expect(memo.needsApply(cm('a'), '5')).toBe(true);
  });
});
