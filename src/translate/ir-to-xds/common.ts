/** Small builders shared by the xDS translators: durations, wrappers, percentages, matchers. */
import type { HeaderOpsIR, StringMatchIR } from '../../ir/types.ts';

export type Obj = Record<string, unknown>;

/** Milliseconds → google.protobuf.Duration. */
export function duration(ms: number): Obj {
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1e6;
  return nanos === 0 ? { seconds } : { seconds, nanos };
}

export const u32 = (value: number): Obj => ({ value });

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
