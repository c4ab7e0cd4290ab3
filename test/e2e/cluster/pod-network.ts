/**
 * Pod IPs that host processes can reach. The API server refuses loopback addresses in
 * EndpointSlices, so kwok hands out pod IPs from a private range, and this module makes that
 * range live in a network namespace joined to the host by a veth pair:
 *   - inside the namespace every pod IP is local (a `local` route), so a server started with
 *     `ip netns exec <ns>` can bind any pod IP;
 *   - the host routes the pod range to the namespace, and the namespace's default route points
 *     back at the host end of the veth (workloads reach xDS there).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PodNetworkSpec {
  /** Network namespace name, unique per concurrent control plane. */
  readonly netns: string;
  /** The pod range kwok allocates from, e.g. 10.244.0.0/16. */
  readonly podCidr: string;
  /** The /30 of the veth pair; .1 is the host end, .2 the namespace end. */
  readonly linkPrefix: string;
}

export interface PodNetwork extends PodNetworkSpec {
  /** Address of the host as seen from inside the namespace. */
  readonly hostAddress: string;
  readonly remove: () => Promise<void>;
}

async function ip(args: readonly string[]): Promise<void> {
  await run('ip', args, { timeout: 10_000 });
}

/**
 * Interface names have at most 15 characters. Long namespace names keep their head and their tail
 * (`weft-e2e-pods-3` → `weft-e2eds-3`), so that slots get distinct links: a plain 12-character cut
 * gave every slot `weft-e2e-pod-h`, and one slot's cleanup deleted another's link.
 */
const vethBase = (netns: string): string => (netns.length <= 12 ? netns : `${netns.slice(0, 8)}${netns.slice(-4)}`);
const vethNames = (netns: string): [string, string] => [`${vethBase(netns)}-h`, `${vethBase(netns)}-p`];

/** Deletes the namespace, the host end of the veth and the route; missing pieces are fine. */
export async function removePodNetwork(spec: PodNetworkSpec): Promise<void> {
  const [hostLink] = vethNames(spec.netns);
  await ip(['route', 'del', spec.podCidr]).catch(() => undefined);
  await ip(['link', 'del', hostLink]).catch(() => undefined);
  await ip(['netns', 'del', spec.netns]).catch(() => undefined);
}

/** Creates the namespace (replacing a leftover one of the same name). Needs root and iproute2. */
export async function createPodNetwork(spec: PodNetworkSpec): Promise<PodNetwork> {
  await removePodNetwork(spec);
  const [hostLink, podLink] = vethNames(spec.netns);
  const base = spec.linkPrefix.replace(/\.\d+\/30$/, '');
  const hostAddress = `${base}.1`;
  const podAddress = `${base}.2`;
  const steps: (readonly string[])[] = [
    ['netns', 'add', spec.netns],
    ['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', podLink],
    ['link', 'set', podLink, 'netns', spec.netns],
    ['addr', 'add', `${hostAddress}/30`, 'dev', hostLink],
    ['link', 'set', hostLink, 'up'],
    ['-n', spec.netns, 'addr', 'add', `${podAddress}/30`, 'dev', podLink],
    ['-n', spec.netns, 'link', 'set', podLink, 'up'],
    ['-n', spec.netns, 'link', 'set', 'lo', 'up'],
    ['-n', spec.netns, 'route', 'add', 'local', spec.podCidr, 'dev', 'lo'],
    ['-n', spec.netns, 'route', 'add', 'default', 'via', hostAddress],
    ['route', 'add', spec.podCidr, 'via', podAddress],
  ];
  try {
    for (const step of steps) await ip(step);
  } catch (err) {
    await removePodNetwork(spec);
    throw err;
  }
  return { ...spec, hostAddress, remove: () => removePodNetwork(spec) };
}

/** Whether this process may create network namespaces (root with iproute2). */
export async function canCreatePodNetwork(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  return ip(['netns', 'list']).then(() => true, () => false);
}
