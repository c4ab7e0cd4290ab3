/**
 * A direct encoder for envoy.config.endpoint.v3.ClusterLoadAssignment, the resource of every
 * endpoint change (the most frequent publish in a mesh) and a third of a full translation's
 * resources. It writes the shape Weft emits (cluster name; per locality: locality, endpoints with
 * socket address, health and weight, locality weight, priority) straight from the plain input,
 * without protobufjs's `fromObject` copy or its per-operation Writer objects, and gives up
 * (returns undefined) on any other field so that protobufjs encodes it instead. The bytes are
 * the ones protobufjs writes for the same input: fields in number order, a scalar written
 * whenever it is present (proto3 through protobufjs), and `encode-cla.test.ts` checks that byte
 * for byte.
 */
import { FlatWriter } from './flat-writer.ts';

type Plain = Readonly<Record<string, unknown>>;

/** core.v3.HealthStatus by name. */
const HEALTH: Readonly<Record<string, number>> = { UNKNOWN: 0, HEALTHY: 1, UNHEALTHY: 2, DRAINING: 3, TIMEOUT: 4, DEGRADED: 5 };

const CLA_KEYS = new Set(['cluster_name', 'endpoints']);
const LOCALITY_ENDPOINTS_KEYS = new Set(['locality', 'lb_endpoints', 'load_balancing_weight', 'priority']);
const LOCALITY_KEYS = new Set(['region', 'zone', 'sub_zone']);
const LB_ENDPOINT_KEYS = new Set(['endpoint', 'health_status', 'load_balancing_weight']);
const ENDPOINT_KEYS = new Set(['address']);
const ADDRESS_KEYS = new Set(['socket_address']);
const SOCKET_KEYS = new Set(['address', 'port_value']);
const WRAPPER_KEYS = new Set(['value']);

/** Thrown inside the encoder when the input leaves the supported shape; never escapes. */
class Unsupported extends Error {}

const writer = new FlatWriter();

const present = (value: unknown): boolean => value !== undefined && value !== null;

function record(value: unknown, keys: ReadonlySet<string>): Plain {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Unsupported();
  for (const key in value) if (!keys.has(key) && present((value as Plain)[key])) throw new Unsupported();
  return value as Plain;
}

function list(value: unknown): readonly unknown[] {
  if (!Array.isArray(value)) throw new Unsupported();
  return value as unknown[];
}

function str(w: FlatWriter, tag: number, value: unknown): void {
  if (!present(value)) return;
  if (typeof value !== 'string') throw new Unsupported();
  w.string(tag, value);
}

function u32(w: FlatWriter, tag: number, value: unknown): void {
  if (!present(value)) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Unsupported();
  w.varint(tag, value);
}

/** google.protobuf.UInt32Value at field `field`. */
function wrapper(w: FlatWriter, field: number, value: unknown): void {
  if (!present(value)) return;
  const v = record(value, WRAPPER_KEYS);
  w.open((field << 3) | 2);
  u32(w, 8, v.value);
  w.close();
}

function health(w: FlatWriter, value: unknown): void {
  if (!present(value)) return;
  const n = typeof value === 'string' ? HEALTH[value] : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new Unsupported();
  w.varint(16, n);
}

function lbEndpoint(w: FlatWriter, value: unknown): void {
  const e = record(value, LB_ENDPOINT_KEYS);
  w.open(18);
  if (present(e.endpoint)) {
    const endpoint = record(e.endpoint, ENDPOINT_KEYS);
    w.open(10);
    if (present(endpoint.address)) {
      const address = record(endpoint.address, ADDRESS_KEYS);
      w.open(10);
      if (present(address.socket_address)) {
        const socket = record(address.socket_address, SOCKET_KEYS);
        w.open(10);
        str(w, 18, socket.address);
        u32(w, 24, socket.port_value);
        w.close();
      }
      w.close();
    }
    w.close();
  }
  health(w, e.health_status);
  wrapper(w, 4, e.load_balancing_weight);
  w.close();
}

function localityEndpoints(w: FlatWriter, value: unknown): void {
  const l = record(value, LOCALITY_ENDPOINTS_KEYS);
  w.open(18);
  if (present(l.locality)) {
    const locality = record(l.locality, LOCALITY_KEYS);
    w.open(10);
    str(w, 10, locality.region);
    str(w, 18, locality.zone);
    str(w, 26, locality.sub_zone);
    w.close();
  }
  if (present(l.lb_endpoints)) for (const e of list(l.lb_endpoints)) lbEndpoint(w, e);
  wrapper(w, 3, l.load_balancing_weight);
  u32(w, 40, l.priority);
  w.close();
}

/** The encoded ClusterLoadAssignment, or undefined when `input` has a field this encoder does not write. */
export function encodeClusterLoadAssignment(input: Plain): Uint8Array | undefined {
  try {
    const cla = record(input, CLA_KEYS);
    const w = writer.reset();
    str(w, 10, cla.cluster_name);
    if (present(cla.endpoints)) for (const l of list(cla.endpoints)) localityEndpoints(w, l);
    return w.finish();
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}
