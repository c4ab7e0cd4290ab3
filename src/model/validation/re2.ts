/**
 * A syntax check of RE2 / Go `regexp` patterns with Go's error messages
 * (`error parsing regexp: missing closing ): \`(a\``). It covers the errors users hit in practice:
 * groups, classes, escapes, repetition operators and Perl syntax RE2 does not support (lookaround,
 * backreferences). It does not build a program, so it is cheap.
 */

type Step = { readonly next: number } | { readonly error: string };

const fail = (code: string, expr: string): { error: string } => ({ error: `error parsing regexp: ${code}: \`${expr}\`` });
const POSIX = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
/** Go's Unicode general categories; scripts are checked with JavaScript's (same Unicode tables). */
const CATEGORIES = new Set([
  'Any', 'C', 'Cc', 'Cf', 'Co', 'Cs', 'L', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn', 'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk', 'Sm', 'So', 'Z', 'Zl', 'Zp', 'Zs',
]);

function isUnicodeClass(name: string): boolean {
  if (CATEGORIES.has(name)) return true;
  try {
    new RegExp(`\\p{Script=${name}}`, 'u');
    return true;
  } catch {
    return false;
  }
}

const isAlnum = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);
const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';

/** Returns Go's error text for an invalid pattern, or undefined when RE2 accepts it. */
export function checkRe2(re: string): string | undefined {
  let depth = 0;
  let canRepeat = false;
  let lastRepeat = '';
  let i = 0;
  while (i < re.length) {
    const c = re[i] ?? '';
    const repeatEnd = c === '*' || c === '+' || c === '?' ? i + 1 : c === '{' ? repeatEndAt(re, i) : -1;
    if (repeatEnd !== -1) {
      const end = re[repeatEnd] === '?' ? repeatEnd + 1 : repeatEnd;
      const op = re.slice(i, end);
      if (lastRepeat !== '') return fail('invalid nested repetition operator', lastRepeat + op).error;
      if (!canRepeat) return fail('missing argument to repetition operator', op).error;
      const count = c === '{' ? checkRepeatCount(op) : undefined;
      if (count !== undefined) return count;
      lastRepeat = op;
      i = end;
      continue;
    }
    lastRepeat = '';
    const step = stepAt(re, i, depth);
    if ('error' in step) return step.error;
    if (c === '(' && !isFlagsOnly(re, i)) depth++;
    if (c === ')') depth--;
    canRepeat = c !== '(' && c !== '|';
    i = step.next;
  }
  return depth > 0 ? fail('missing closing )', re).error : undefined;
}

function stepAt(re: string, i: number, depth: number): Step {
  const c = re[i];
  if (c === '(') return re[i + 1] === '?' ? perlGroup(re, i) : { next: i + 1 };
  if (c === ')') return depth === 0 ? fail('unexpected )', re) : { next: i + 1 };
  if (c === '[') return charClass(re, i);
  if (c === '\\') return escape(re, i, false);
  return { next: i + 1 };
}

/** End index of a `{n}`, `{n,}` or `{n,m}` repeat at i, or -1 when the brace is a literal. */
function repeatEndAt(re: string, i: number): number {
  const m = /^\{\d+(?:,\d*)?\}/.exec(re.slice(i, i + 24));
  return m === null ? -1 : i + m[0].length;
}

function checkRepeatCount(op: string): string | undefined {
  const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(op);
  if (m === null) return undefined;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === '' || m[3] === undefined ? -1 : Number(m[3]);
  if (min > 1000 || max > 1000 || (max >= 0 && max < min)) return fail('invalid repeat count', op.replace(/\?$/, '')).error;
  return undefined;
}

const isFlagsOnly = (re: string, i: number): boolean => re[i + 1] === '?' && /^\(\?[imsU-]*\)/.test(re.slice(i, i + 12));

function perlGroup(re: string, i: number): Step {
  const rest = re.slice(i);
  const named = /^\(\?P?<([^>]*)>/.exec(rest);
  if (rest.startsWith('(?P<') || rest.startsWith('(?<')) {
    if (rest.startsWith('(?<=') || rest.startsWith('(?<!')) return fail('invalid or unsupported Perl syntax', rest.slice(0, 4));
    if (named === null || !/^[A-Za-z0-9_]+$/.test(named[1] ?? '')) return fail('invalid named capture', named?.[0] ?? rest);
    return { next: i + named[0].length };
  }
  const flags = /^\(\?([imsU-]*)([:)])/.exec(rest);
  if (flags === null || (flags[2] === ')' && (flags[1] ?? '') === '') || /-.*-|-$/.test(flags[1] ?? '') && flags[2] === ')') {
    const end = flags === null ? Math.min(rest.length, 3) : flags[0].length;
    return fail('invalid or unsupported Perl syntax', rest.slice(0, end));
  }
  return { next: i + flags[0].length };
}

function charClass(re: string, start: number): Step {
  let j = start + 1;
  if (re[j] === '^') j++;
  let first = true;
  for (;;) {
    if (j >= re.length) return fail('missing closing ]', re.slice(start));
    if (re[j] === ']' && !first) return { next: j + 1 };
    first = false;
    if (re.startsWith('[:', j)) {
      const end = re.indexOf(':]', j + 2);
      if (end !== -1) {
        const name = re.slice(j + 2, end).replace(/^\^/, '');
        if (!POSIX.has(name)) return fail('invalid character class range', re.slice(j, end + 2));
        j = end + 2;
        continue;
      }
    }
    const lo = classChar(re, j);
    if ('error' in lo) return lo;
    j = lo.next;
    if (re[j] === '-' && j + 1 < re.length && re[j + 1] !== ']') {
      const hi = classChar(re, j + 1);
      if ('error' in hi) return hi;
      if (hi.value !== undefined && lo.value !== undefined && hi.value < lo.value) return fail('invalid character class range', re.slice(lo.start, hi.next));
      j = hi.next;
    }
  }
}

function classChar(re: string, j: number): { next: number; start: number; value: number | undefined } | { error: string } {
  if (re[j] !== '\\') {
    const cp = re.codePointAt(j) ?? 0;
    return { next: j + (cp > 0xffff ? 2 : 1), start: j, value: cp };
  }
  const e = escape(re, j, true);
  if ('error' in e) return e;
  const c = re[j + 1] ?? '';
  const value = e.next === j + 2 && !isAlnum(c) ? c.charCodeAt(0) : undefined;
  return { next: e.next, start: j, value };
}

function escape(re: string, i: number, inClass: boolean): Step {
  const c = re[i + 1];
  if (c === undefined) return fail('trailing backslash at end of expression', '');
  if (c >= '1' && c <= '7') return isOctal(re[i + 2]) ? { next: i + (isOctal(re[i + 3]) ? 4 : 3) } : fail('invalid escape sequence', `\\${c}`);
  if (c === '0') return { next: i + 2 + (isOctal(re[i + 2]) ? 1 : 0) + (isOctal(re[i + 2]) && isOctal(re[i + 3]) ? 1 : 0) };
  if (c === 'x') {
    const m = /^\\x(?:[0-9A-Fa-f]{2}|\{[0-9A-Fa-f]{1,8}\})/.exec(re.slice(i, i + 12));
    return m === null ? fail('invalid escape sequence', re.slice(i, i + 4)) : { next: i + m[0].length };
  }
  if (c === 'p' || c === 'P') {
    const m = /^\\[pP](?:([A-Za-z])|\{\^?([A-Za-z_]+)\})/.exec(re.slice(i, i + 40));
    const name = m?.[1] ?? m?.[2];
    if (m === null || name === undefined || !isUnicodeClass(name)) {
      const end = re.indexOf('}', i);
      return fail('invalid character class range', re[i + 2] === '{' && end !== -1 ? re.slice(i, end + 1) : re.slice(i, i + 3));
    }
    return { next: i + m[0].length };
  }
  if (c === 'Q' && !inClass) {
    const end = re.indexOf('\\E', i + 2);
    return { next: end === -1 ? re.length : end + 2 };
  }
  if ('afnrtvdDsSwW'.includes(c)) return { next: i + 2 };
  if (!inClass && 'bBAz'.includes(c)) return { next: i + 2 };
  const code = c.charCodeAt(0);
  if (code < 0x80 && !isAlnum(c)) return { next: i + 2 };
  return fail('invalid escape sequence', `\\${c}`);
}
