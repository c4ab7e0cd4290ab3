import { describe, expect, it } from 'vitest';
import { createReport } from '../validated.ts';
import { checkValue } from './check.ts';
import { arr, duration, enumOf, map, obj, parseGoDuration, str, uint32 } from './dsl.ts';

const schema = obj(
  { name: str(), port: uint32(), mode: enumOf(['A', 'B']), tags: arr(str(), { maxItems: 2 }), labels: map(str()), exact: str(), prefix: str(), timeout: duration() },
  { oneOf: [['exact', 'prefix']] },
);

function check(value: unknown, cel = false): { cleaned: unknown; errors: { path: string; message: string }[] } {
  const report = createReport();
  const cleaned = checkValue(schema, value, 'spec', report, { cel });
  return { cleaned, errors: report.errors };
}

describe('checkValue (structural schema check)', () => {
  it('keeps a well-typed value as it is', () => {
    const value = { name: 'a', port: 80, mode: 'A', tags: ['x'], labels: { app: 'x' }, exact: '/', timeout: '1s' };
    expect(check(value)).toEqual({ cleaned: value, errors: [] });
  });

  it.each([
    [{ name: 1 }, 'spec.name', 'Invalid value: "integer": must be of type string'],
    [{ port: 1.5 }, 'spec.port', 'Invalid value: "number": must be of type integer'],
    [{ port: -1 }, 'spec.port', 'Invalid value: -1: must be greater than or equal to 0'],
    [{ port: 4294967296 }, 'spec.port', 'Invalid value: 4294967296: must be less than or equal to 4294967295'],
    [{ mode: 'C' }, 'spec.mode', 'Unsupported value: "C": supported values: "A", "B"'],
    [{ tags: 'x' }, 'spec.tags', 'Invalid value: "string": must be of type array'],
    [{ tags: ['a', 'b', 'c'] }, 'spec.tags', 'Too many: 3: must have at most 2 items'],
    [{ labels: { a: true } }, 'spec.labels.a', 'Invalid value: "boolean": must be of type string'],
    [{ labels: { 'app.kubernetes.io/name': 1 } }, 'spec.labels["app.kubernetes.io/name"]', 'Invalid value: "integer": must be of type string'],
    [{ typo: 1 }, 'spec.typo', 'unknown field "typo"'],
    [{ exact: 'a', prefix: 'b' }, 'spec', 'only one of [exact, prefix] may be set, found exact, prefix'],
    [[], 'spec', 'Invalid value: "array": must be of type object'],
  ])('%j is reported at %s', (value, path, message) => {
    expect(check(value).errors).toEqual([{ path, message }]);
  });

  it('drops nulls and ill-typed fields from the cleaned value', () => {
    expect(check({ name: null, port: 'eighty', tags: ['a', null, 3] }).cleaned).toEqual({ tags: ['a'] });
  });

  it('runs the CEL twins only when asked', () => {
    expect(check({ timeout: '0.5ms' }).errors).toEqual([]);
    expect(check({ timeout: '0.5ms' }, true).errors).toEqual([{ path: 'spec.timeout', message: 'Invalid value: must be a valid duration greater than 1ms' }]);
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['0', 0], ['1s', 1e9], ['1.5s', 1.5e9], ['300ms', 3e8], ['1m30s', 90e9], ['2h', 7200e9], ['1.001s', 1001e6], ['10us', 1e4], ['-1s', -1e9], ['.5s', 5e8],
  ])('%s is %d ns', (text, ns) => {
    expect(parseGoDuration(text)).toBe(ns);
  });
  it.each(['', '1', 's', '1x', '1 s', 'abc', '1s2'])('%j is not a duration', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });
});

describe('checkValue and prototype keys', () => {
  it('keeps __proto__ as a plain map key and reports it as unknown in objects', () => {
    const value = JSON.parse('{"labels": {"__proto__": "x"}, "__proto__": {"polluted": true}}') as unknown;
    const { cleaned, errors } = check(value);
    expect(Object.getPrototypeOf(cleaned)).toBe(Object.prototype);
    expect(Object.keys((cleaned as { labels: object }).labels)).toEqual(['__proto__']);
    expect(errors).toEqual([{ path: 'spec.__proto__', message: 'unknown field "__proto__"' }]);
  });
});
