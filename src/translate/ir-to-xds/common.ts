/** Small builders shared by the xDS translators: durations, wrappers, percentages, matchers. */
import type { HeaderOpsIR, StringMatchIR } from '../../ir/types.ts';

export type Obj = Record<string, unknown>;

/**
 * Wrappers and durations are immutable plain data: the usual values are built once, frozen, and
 * shared by every resource that uses them (thousands of clusters repeat the same few), which
 * keeps a full translation from allocating (and the GC from copying) hundreds of thousands of
 * identical small objects. Outputs are unchanged; only identity is shared.
 */
const SHARED_U32: readonly Obj[] = Array.from({ length: 1025 }, (_, value) => Object.freeze({ value }));
const sharedDurations = new Map<number, Obj>();

/** Milliseconds → google.protobuf.Duration. */
export function duration(ms: number): Obj {
  let out = sharedDurations.get(ms);
  if (out !== undefined) return out;
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1e6;
  out = Object.freeze(nanos === 0 ? { seconds } : { seconds, nanos });
  if (sharedDurations.size < 10_000) sharedDurations.set(ms, out);
  return out;
}

export const u32 = (value: number): Obj => (Number.isInteger(value) && value >= 0 ? SHARED_U32[value] : undefined) ?? { value };

/** 0..100 → FractionalPercent per million (Istio: numerator = value × 10000). */
export function fractionalPercent(percent: number): Obj {
  return { numerator: Math.round(percent * 10_000), denominator: 'MILLION' };
}

export function stringMatcher(m: StringMatchIR): Obj {
  if ('exact' in m) return { exact: m.exact };
  if ('prefix' in m) return { prefix: m.prefix };
  return { safe_regex: { regex: m.regex } };
}

export const ADS = { ads: {}, resource_api_version: 'V3' };

export function socketAddress(address: string, port: number): Obj {
  return { socket_address: { address, port_value: port } };
}

const header = (append: boolean) => (kv: { key: string; value: string }): Obj => ({
  header: { key: kv.key, value: kv.value },
  append_action: append ? 'APPEND_IF_EXISTS_OR_ADD' : 'OVERWRITE_IF_EXISTS_OR_ADD',
});

/** Header operations as the route / weighted-cluster fields. */
export function headerOps(ops: HeaderOpsIR | undefined): Obj {
  if (ops === undefined) return {};
  const out: Obj = {};
  const requestAdd = [...ops.requestSet.map(header(false)), ...ops.requestAdd.map(header(true))];
  const responseAdd = [...ops.responseSet.map(header(false)), ...ops.responseAdd.map(header(true))];
  if (requestAdd.length > 0) out.request_headers_to_add = requestAdd;
  if (ops.requestRemove.length > 0) out.request_headers_to_remove = [...ops.requestRemove];
  if (responseAdd.length > 0) out.response_headers_to_add = responseAdd;
  if (ops.responseRemove.length > 0) out.response_headers_to_remove = [...ops.responseRemove];
  return out;
}
