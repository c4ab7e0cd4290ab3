/** A proxyless gRPC client (grpc-js-xds) identified as an Istio sidecar of a namespace: the demo's client. */
import { echoClient, tally as demoTally, type EchoClient } from '../../../src/demo/client.ts';

export type MeshClient = EchoClient;

export function meshClient(xdsPort: number, namespace: string, target: string): MeshClient {
  return echoClient(`127.0.0.1:${String(xdsPort)}`, namespace, target);
}

export const tally = demoTally;
