/**
 * istiod's `analyzeUnreachable{HTTP,TCP,TLS}Rules`: warnings IST0130 (a rule is never used) and
 * IST0131 (a match is never used: an identical one, or for HTTP a covering URI prefix, comes first).
 */
import type { HTTPRoute, TCPRoute, TLSRoute } from '../types.ts';
import { at, field, type Report } from '../validated.ts';

type AnyRoute = HTTPRoute | TCPRoute | TLSRoute;
type HTTPMatch = NonNullable<HTTPRoute['match']>[number];
type StringMatch = NonNullable<HTTPMatch['uri']>;

const quotedName = (value: object, index: number): string => {
  const name: unknown = (value as { readonly name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? JSON.stringify(name) : `#${index}`;
};

/** The match without its name, serialized: two matches with the same key select the same requests. */
const matchKey = (m: object): string => JSON.stringify({ ...m, name: undefined });

/** A prefix match summarized as istiod's `OverlappingMatchValidationForHTTPRoute`. */
interface PrefixMatch {
  readonly rule: number;
  readonly match: number;
  readonly routeName: string;
  readonly matchName: string;
  readonly prefix: string;
  readonly port: number;
  readonly method: string;
  readonly authority: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly queryParams: ReadonlyMap<string, string>;
  readonly withoutHeaders: ReadonlyMap<string, string>;
}

const exactOrPrefix = (sm: StringMatch | undefined): string =>
  sm?.exact !== undefined && sm.exact !== '' ? `exact:${sm.exact}` : sm?.prefix !== undefined && sm.prefix !== '' ? `prefix:${sm.prefix}` : '';
const summarize = (matches: Readonly<Record<string, StringMatch>> | undefined): ReadonlyMap<string, string> =>
  new Map(Object.entries(matches ?? {}).map(([k, v]) => [k, exactOrPrefix(v)]));

function prefixMatch(route: HTTPRoute, m: HTTPMatch, rule: number, match: number): PrefixMatch | undefined {
  const prefix = m.uri?.prefix ?? '';
  if (prefix === '') return undefined;
  return {
    rule,
    match,
    routeName: quotedName(route, rule),
    matchName: quotedName(m, match),
    prefix,
    port: m.port ?? 0,
    method: exactOrPrefix(m.method) || 'exact:GET',
    authority: exactOrPrefix(m.authority),
    headers: summarize(m.headers),
    queryParams: summarize(m.queryParams),
    withoutHeaders: summarize(m.withoutHeaders),
  };
}

/** istiod's `coveredValidation` (its prefix comparisons copied as they are). */
function sameOrCovered(a: string, b: string): boolean {
  return a === b || a.startsWith(b);
}

function mapCovered(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const other = b.get(k);
    if (other === undefined || !sameOrCovered(v, other)) return false;
  }
  return true;
}

function covers(a: PrefixMatch, b: PrefixMatch): boolean {
  return (
    b.prefix.startsWith(a.prefix) &&
    a.port === b.port &&
    sameOrCovered(a.method, b.method) &&
    sameOrCovered(a.authority, b.authority) &&
    mapCovered(a.headers, b.headers) &&
    mapCovered(a.queryParams, b.queryParams) &&
    mapCovered(a.withoutHeaders, b.withoutHeaders)
  );
}

function reportPrefixOverlaps(report: Report, base: string, prefixes: readonly PrefixMatch[]): void {
  for (let i = 0; i < prefixes.length; i++) {
    for (let j = i + 1; j < prefixes.length; j++) {
      const a = prefixes[i];
      const b = prefixes[j];
      if (a === undefined || b === undefined || a.prefix === b.prefix || !covers(a, b)) continue;
      const message = `virtualService rule ${b.routeName} match ${b.matchName} of prefix ${b.prefix} is not used (duplicate/overlapping match in rule ${a.matchName} of prefix ${a.prefix} on ${a.routeName})`;
      report.warn(at(field(at(base, b.rule), 'match'), b.match), message, 'IST0131');
    }
  }
}

/** Warns about rules and matches that can never be reached. */
export function checkUnreachable(report: Report, base: string, routes: readonly AnyRoute[], http: boolean): void {
  const seen = new Map<string, number>();
  const prefixes: PrefixMatch[] = [];
  let catchAll = -1;
  routes.forEach((route, i) => {
    const p = at(base, i);
    const matches: readonly object[] = route.match ?? [];
    const unused = (reason: string): void => { report.warn(p, `virtualService rule ${quotedName(route, i)} not used (${reason})`, 'IST0130'); };
    if (matches.length === 0) {
      if (catchAll >= 0) unused('only the last rule can have no matches');
      catchAll = i;
      return;
    }
    let duplicates = 0;
    matches.forEach((m, j) => {
      if (catchAll >= 0) {
        unused('route without matches defined before');
        return;
      }
      const prior = seen.get(matchKey(m));
      if (prior === undefined) {
        seen.set(matchKey(m), i);
        const summary = http ? prefixMatch(route, m, i, j) : undefined;
        if (summary !== undefined) prefixes.push(summary);
        return;
      }
      duplicates++;
      const priorRoute = routes[prior];
      const priorName = priorRoute === undefined ? `#${prior}` : quotedName(priorRoute, prior);
      report.warn(at(field(p, 'match'), j), `virtualService rule ${quotedName(route, i)} match ${quotedName(m, j)} is not used (duplicate/overlapping match in rule ${priorName})`, 'IST0131');
    });
    if (duplicates === matches.length) unused('all matches used by prior rules');
  });
  reportPrefixOverlaps(report, base, prefixes);
}
