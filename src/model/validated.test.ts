import { describe, expect, it } from 'vitest';
import { at, field, formatIssues } from './validated.ts';

describe('field paths', () => {
  it.each([
    ['spec', 'hosts', 'spec.hosts'],
    ['spec.labels', 'app.kubernetes.io/name', 'spec.labels["app.kubernetes.io/name"]'],
    ['spec.headers', 'x-user', 'spec.headers["x-user"]'],
    ['spec', '_a1', 'spec._a1'],
    ['spec', '1a', 'spec["1a"]'],
    ['spec', '', 'spec[""]'],
  ])('field(%j, %j) is %j', (path, name, expected) => {
    expect(field(path, name)).toBe(expected);
  });

  it('indexes arrays', () => {
    expect(at(field(at('spec.http', 0), 'route'), 1)).toBe('spec.http[0].route[1]');
  });
});

describe('formatIssues', () => {
  it.each([
    [[{ path: 'spec.hosts[0]', message: 'a' }], '1 error occurred:\n\t* spec.hosts[0]: a\n\n'],
    [[{ path: '', message: 'a' }, { path: 'spec', message: 'b' }], '2 errors occurred:\n\t* a\n\t* spec: b\n\n'],
  ])('formats %j like go-multierror', (issues, text) => {
    expect(formatIssues(issues)).toBe(text);
  });
});
