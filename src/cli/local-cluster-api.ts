/**
 * The contract between `weft up` and the local control plane that lives in test/e2e/cluster/.
 * src/ never imports test/ statically (the production image has no test/ folder), so `weft up`
 * loads the implementation at run time and checks it against this interface.
 */
import type { Logger } from '../log.ts';

export interface LocalClusterOptions {
  /** Folder for this cluster's PKI, etcd data, logs and kubeconfig. Created if missing. */
  readonly stateDir: string;
  /** Root of the binary cache (default ~/.cache/weft). */
  readonly cacheDir?: string | undefined;
  /** How many fake kwok nodes to create. */
  readonly nodes: number;
  /** Name of the network namespace that holds pod IPs; empty to skip it. */
  readonly podNetns: string;
  /** The range kwok hands pod IPs out from (default 10.244.0.0/16); unique per concurrent cluster. */
  readonly podCidr?: string | undefined;
  /** The /30 joining the host to the pod namespace (default 10.243.255.0/30). */
  readonly linkPrefix?: string | undefined;
  /** Keep the state folder (logs, data) after stop. */
  readonly keepState?: boolean | undefined;
  readonly log: Logger;
  /** Receives human-readable progress lines (build steps, start-up phases). */
  readonly onProgress: (line: string) => void;
  readonly signal?: AbortSignal | undefined;
}

export interface LocalCluster {
  /** A kubeconfig with a bearer token for an admin user; never the user's own config. */
  readonly kubeconfigPath: string;
  readonly server: string;
  readonly binDir: string;
  readonly nodeNames: readonly string[];
  readonly logDir: string;
  /** The network namespace where pod IPs live, or '' when it could not be created. */
  readonly podNetns: string;
  /** The last lines of every component's log, for failure reports. */
  readonly logTails: (lines?: number) => string;
  /** Stops exactly the processes this cluster started and removes what it created. */
  readonly stop: () => Promise<void>;
}

export interface LocalClusterModule {
  readonly startLocalCluster: (options: LocalClusterOptions) => Promise<LocalCluster>;
}

/** Loads the implementation from a source checkout, or explains why it can't. */
export async function loadLocalCluster(): Promise<{ ok: true; module: LocalClusterModule } | { ok: false; error: string }> {
  const url = new URL('../../test/e2e/cluster/local-cluster.ts', import.meta.url);
  try {
    const module = (await import(url.href)) as LocalClusterModule;
    return { ok: true, module };
  } catch (err) {
    return { ok: false, error: `weft up needs a source checkout of weft (could not load ${url.pathname}: ${String(err)})` };
  }
}
