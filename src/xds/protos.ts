/**
 * Loads the Envoy v3 / cncf xds / googleapis protos that `@grpc/grpc-js-xds` ships under
 * `deps/` into one protobufjs Root (field names kept as in the .proto files). Nothing is
 * vendored or generated: the Root is built once per process at start-up (~250 ms).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

/** Files whose messages may appear in resources we serve or in the services we implement. */
export const PROTO_FILES: readonly string[] = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/status/v3/csds.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
  'envoy/extensions/load_balancing_policies/wrr_locality/v3/wrr_locality.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'xds/type/v3/typed_struct.proto',
];

/** The include directories: grpc-js-xds's deps plus protobufjs's copies of the well-known types. */
export function protoIncludeDirs(): string[] {
  const xdsRoot = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  const protobufRoot = dirname(require.resolve('protobufjs/package.json'));
  return [
    ...['envoy-api', 'xds', 'protoc-gen-validate', 'googleapis'].map((d) => join(xdsRoot, 'deps', d)),
    protobufRoot,
  ];
}

let shared: protobuf.Root | undefined;

/** The process-wide Root; loaded on first use. */
export function xdsProtoRoot(): protobuf.Root {
  shared ??= loadRoot(PROTO_FILES);
  return shared;
}

export function loadRoot(files: readonly string[]): protobuf.Root {
  const dirs = protoIncludeDirs();
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string): string => {
    for (const dir of dirs) {
      const candidate = join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    return target;
  };
  root.loadSync([...files], { keepCase: true });
  root.resolveAll();
  refuseUnloadedAny(root);
  return root;
}

/**
 * The loaded message type an `Any`'s `@type` names, by protobufjs's rule: the name after the last
 * '/', looked up from `scope`. Undefined when no message type of that name is loaded.
 */
export function anyMessageType(scope: protobuf.Namespace, url: string): protobuf.Type | undefined {
  const found = scope.lookup(url.slice(url.lastIndexOf('/') + 1));
  return found instanceof protobuf.Type ? found : undefined;
}

type FromObject = (object: Record<string, unknown>, depth?: number) => protobuf.Message;

/**
 * protobufjs turns `{ '@type': url, ... }` for a message type it has not loaded into an empty
 * `Any` (no type URL, no value): a proxy would reject the resource much later, with an error that
 * names neither. This Root's `Any` refuses it instead, so `encodeResource` reports the type.
 * Every message's converter calls the `Any` type's own `fromObject`, replaced here once.
 */
function refuseUnloadedAny(root: protobuf.Root): void {
  const any = root.lookupType('google.protobuf.Any').setup();
  const lenient: FromObject = any.fromObject.bind(any);
  const strict: FromObject = (object, depth) => {
    const url = object['@type'];
    if (typeof url === 'string' && url !== '' && anyMessageType(any, url) === undefined) {
      throw new Error(`google.protobuf.Any: ${url} is not a loaded message type`);
    }
    return lenient(object, depth);
  };
  any.fromObject = strict;
}

/** Looks up a message type by full name (without the type URL prefix); throws if absent (a programmer bug). */
export function messageType(name: string): protobuf.Type {
  let type = types.get(name);
  if (type === undefined) types.set(name, (type = xdsProtoRoot().lookupType(name)));
  return type;
}

/** Found types by name: protobufjs resolves a dotted name from the root on every lookup, and every encode looks one up. */
const types = new Map<string, protobuf.Type>();
