import { describe, expect, it } from 'vitest';
import { checkRe2 } from './re2.ts';

describe('checkRe2 (Go regexp syntax)', () => {
  it.each([
    'abc', '^/api/v[0-9]+/.*$', '(?i)hello', '(?i:ab)c', '(?P<name>x)', '(?<name>x)', '[[:alpha:]]+', '\\d{2,4}', 'a{,3}', 'x*?y+?z??', '\\pL\\p{Greek}\\p{Han}\\P{Lu}', '\\Qa.b\\E',
    '[]a]', '[a-]', '\\x41\\x{1F600}', '\\012', '\\.\\*', '^$', '|', '()', 'a{1000}',
  ])('accepts %j', (re) => {
    expect(checkRe2(re)).toBeUndefined();
  });

  it.each([
    ['(abc', 'error parsing regexp: missing closing ): `(abc`'],
    ['abc)', 'error parsing regexp: unexpected ): `abc)`'],
    ['[abc', 'error parsing regexp: missing closing ]: `[abc`'],
    ['*a', 'error parsing regexp: missing argument to repetition operator: `*`'],
    ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
    ['(?=x)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    ['(?<!x)y', 'error parsing regexp: invalid or unsupported Perl syntax: `(?<!`'],
    ['(a)\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
    ['\\k', 'error parsing regexp: invalid escape sequence: `\\k`'],
    ['a\\', 'error parsing regexp: trailing backslash at end of expression: ``'],
    ['a{1001}', 'error parsing regexp: invalid repeat count: `{1001}`'],
    ['[z-a]', 'error parsing regexp: invalid character class range: `z-a`'],
    ['[[:foo:]]', 'error parsing regexp: invalid character class range: `[:foo:]`'],
    ['(?P<1a-b>x)', 'error parsing regexp: invalid named capture: `(?P<1a-b>`'],
    ['\\p{Klingon}', 'error parsing regexp: invalid character class range: `\\p{Klingon}`'],
  ])('rejects %j with Go\'s message', (re, message) => {
    expect(checkRe2(re)).toBe(message);
  });
});
