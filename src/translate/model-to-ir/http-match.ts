/** VirtualService HTTPMatchRequest → IR route match, and the generation-time match conditions. */
import type { HeaderMatchIR, RouteMatchIR, StringMatchIR } from '../../ir/types.ts';
import type { HTTPRoute, StringMatch } from '../../model/types.ts';
import { labelsMatch } from './context.ts';

export type HttpMatch = NonNullable<HTTPRoute['match']>[number];

export function stringMatchOf(m: StringMatch | undefined): StringMatchIR | undefined {
  if (m === undefined) return undefined;
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.prefix !== undefined) return { prefix: m.prefix };
  if (m.regex !== undefined) return { regex: m.regex };
  return undefined;
}

function header(name: string, m: StringMatch | undefined, invert: boolean): HeaderMatchIR {
  const match = stringMatchOf(m);
  // withoutHeaders with an empty match (or regex "*") means "header absent".
  if (match === undefined || ('regex' in match && match.regex === '*')) return { name, invert };
  return { name, match, invert };
}

/** A rule without match: `prefix: /` (shared: IR values are never mutated). */
export const MATCH_ALL: RouteMatchIR = { path: { prefix: '/' }, caseSensitive: true, headers: [], queryParams: [] };

/** `undefined` match (a rule without match) ⇒ `prefix: /`. */
export function routeMatchOf(m: HttpMatch | undefined): RouteMatchIR {
  if (m === undefined) return MATCH_ALL;
  const headers: HeaderMatchIR[] = [];
  for (const [name, value] of Object.entries(m.headers ?? {})) headers.push(header(name.toLowerCase(), value, false));
  for (const [name, value] of Object.entries(m.withoutHeaders ?? {})) headers.push(header(name.toLowerCase(), value, true));
  if (m.method !== undefined) headers.push(header(':method', m.method, false));
  if (m.authority !== undefined) headers.push(header(':authority', m.authority, false));
  if (m.scheme !== undefined) headers.push(header(':scheme', m.scheme, false));
  headers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : Number(a.invert) - Number(b.invert)));
  const queryParams = Object.entries(m.queryParams ?? {})
    .flatMap(([name, value]) => {
      const match = stringMatchOf(value);
      return match === undefined ? [] : [{ name, match }];
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { path: stringMatchOf(m.uri) ?? { prefix: '/' }, caseSensitive: m.ignoreUriCase !== true, headers, queryParams };
}

export interface MatchEnvironment {
  /** `mesh` for sidecars and gRPC, `ns/name` of the gateway for routers. */
  readonly gateway: string;
  readonly port: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly namespace: string;
}

/** match.port, sourceLabels, sourceNamespace and gateways are decided when the config is generated. */
export function matchApplies(m: HttpMatch | { port?: number; sourceLabels?: Readonly<Record<string, string>>; sourceNamespace?: string; gateways?: readonly string[] } | undefined, env: MatchEnvironment, vsNamespace: string, gatewayRef: (g: string, ns: string) => string): boolean {
  if (m === undefined) return true;
  if (m.port !== undefined && m.port !== 0 && m.port !== env.port) return false;
  if (m.sourceNamespace !== undefined && m.sourceNamespace !== '' && m.sourceNamespace !== env.namespace) return false;
  if (m.sourceLabels !== undefined && env.gateway === 'mesh' && !labelsMatch(m.sourceLabels, env.labels)) return false;
  if (m.gateways !== undefined && m.gateways.length > 0 && !m.gateways.some((g) => gatewayRef(g, vsNamespace) === env.gateway)) return false;
  return true;
}
