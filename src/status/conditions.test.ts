import { describe, expect, it } from 'vitest';
import { conditionsEquivalent, isValidReason, setCondition, setConditions, toMetaTime, type Condition } from './conditions.ts';

const T0 = new Date('2026-11-22T01:00:00.123Z');
const T1 = new Date('2026-11-22T02:00:00.999Z');

const ready = (status: Condition['status'], reason: string, time = '2026-11-22T01:00:00Z', gen = 1): Condition => ({
  type: 'Ready',
  status,
  reason,
  message: `${reason} message`,
  observedGeneration: gen,
  lastTransitionTime: time,
});

describe('setCondition', () => {
  it('adds a new condition stamped with now, truncated to seconds', () => {
    const out = setCondition([], { type: 'Ready', status: 'True', reason: 'Available', message: 'ok', observedGeneration: 3 }, T0);
    expect(out).toEqual([{ type: 'Ready', status: 'True', reason: 'Available', message: 'ok', observedGeneration: 3, lastTransitionTime: '2026-11-22T01:00:00Z' }]);
  });

  it.each([
    ['status unchanged, reason changed', 'True', 'True', '2026-11-22T01:00:00Z'],
    ['status flips True→False', 'True', 'False', '2026-11-22T02:00:00Z'],
    ['status flips False→Unknown', 'False', 'Unknown', '2026-11-22T02:00:00Z'],
    ['status unchanged False', 'False', 'False', '2026-11-22T01:00:00Z'],
  ] as const)('%s → lastTransitionTime %s', (_name, before, after, expected) => {
    const out = setCondition([ready(before, 'Old')], { type: 'Ready', status: after, reason: 'New', message: 'm', observedGeneration: 2 }, T1);
    expect(out).toHaveLength(1);
    expect(out[0]?.lastTransitionTime).toBe(expected);
    expect(out[0]?.reason).toBe('New');
    expect(out[0]?.observedGeneration).toBe(2);
  });

  it('keeps other conditions and sorts by type', () => {
    const reconciled: Condition = { ...ready('True', 'Applied'), type: 'Reconciled' };
    const out = setCondition([reconciled], { type: 'Available', status: 'True', reason: 'X', message: '' }, T0);
    expect(out.map((c) => c.type)).toEqual(['Available', 'Reconciled']);
  });

  it('does not mutate its input', () => {
    const input = [ready('True', 'A')];
    setCondition(input, { type: 'Ready', status: 'False', reason: 'B', message: '' }, T1);
    expect(input[0]?.status).toBe('True');
  });

  it.each(['not camel', '', 'Trailing,', '1Digit', 'has-dash'])('throws on invalid reason %j', (reason) => {
    expect(() => setCondition([], { type: 'Ready', status: 'True', reason, message: '' }, T0)).toThrow(/invalid condition reason/);
  });

  it('applies several updates in order', () => {
    const out = setConditions([], [
      { type: 'Ready', status: 'False', reason: 'A', message: '' },
      { type: 'Reconciled', status: 'True', reason: 'B', message: '' },
      { type: 'Ready', status: 'True', reason: 'C', message: '' },
    ], T0);
    expect(out.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual(['Ready=True/C', 'Reconciled=True/B']);
  });
});

describe('isValidReason', () => {
  it.each([
    ['NamespaceConflict', true],
    ['Deployment_NotAvailable', true],
    ['A', true],
    ['a:b', true],
    ['no spaces', false],
    ['-Leading', false],
  ])('%j → %s', (reason, valid) => {
    expect(isValidReason(reason)).toBe(valid);
  });
});

describe('conditionsEquivalent', () => {
  it.each([
    ['same except time', [ready('True', 'A', 't1')], [ready('True', 'A', 't2')], true],
    ['different reason', [ready('True', 'A')], [ready('True', 'B')], false],
    ['different generation', [ready('True', 'A', 't', 1)], [ready('True', 'A', 't', 2)], false],
    ['different length', [ready('True', 'A')], [], false],
    ['order ignored', [ready('True', 'A'), { ...ready('True', 'A'), type: 'Reconciled' }], [{ ...ready('True', 'A'), type: 'Reconciled' }, ready('True', 'A')], true],
  ])('%s', (_n, a, b, expected) => {
    expect(conditionsEquivalent(a, b)).toBe(expected);
  });
});

describe('toMetaTime', () => {
  it('drops milliseconds', () => {
    expect(toMetaTime(T1)).toBe('2026-11-22T02:00:00Z');
  });
});
