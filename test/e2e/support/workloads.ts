/** Pods' workloads for the e2e tests: the demo's echo servers, and Deployments per version. */
export { startEchoWorkload, startLocalEcho, type Workload } from '../../../src/demo/workloads.ts';

/** A Deployment per version (`<app>-<version>`, labels app and version) in the namespace. */
export function versionedDeployments(app: string, port: number, versions: readonly { readonly version: string; readonly replicas: number }[]): string {
  return versions
    .map(
      ({ version, replicas }) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${app}-${version.replace(/[^a-z0-9-]/g, '-')} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${app}, version: "${version}" } }
  template:
    metadata: { labels: { app: ${app}, version: "${version}" } }
    spec: { containers: [{ name: ${app}, image: registry.invalid/${app}:${version}, ports: [{ containerPort: ${port} }] }] }
`,
    )
    .join('---\n');
}
