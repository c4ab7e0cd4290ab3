/**
 * Builds the resources of one contract-test scenario: a listener `target` whose route config
 * sends traffic to clusters backed by real echo servers.
 */
import { apiListener, cluster, loadAssignment, routeConfig, type ClusterOptions, type ListenerOptions } from '../fixtures.ts';
import type { ResourceInput } from '../resource.ts';
import type { ResourceSet } from '../snapshot-cache.ts';
import { TYPE_URLS } from '../type-urls.ts';
import type { Backend } from './backends.ts';

export interface ScenarioCluster {
  readonly name: string;
  readonly backends: readonly Backend[];
  readonly options?: ClusterOptions;
}

export interface Scenario {
  readonly target: string;
  readonly routes: readonly ResourceInput[];
  readonly clusters: readonly ScenarioCluster[];
  readonly listener?: ListenerOptions;
}

export function scenarioResources(scenario: Scenario): ResourceSet {
  return {
    [TYPE_URLS.listener]: [apiListener(scenario.target, `${scenario.target}-routes`, scenario.listener)],
    [TYPE_URLS.route]: [routeConfig(`${scenario.target}-routes`, scenario.routes)],
    [TYPE_URLS.cluster]: scenario.clusters.map((c) => cluster(c.name, c.options)),
    [TYPE_URLS.endpoint]: scenario.clusters.map((c) =>
      loadAssignment(
        c.name,
        c.backends.map((b) => ({ address: '127.0.0.1', port: b.port })),
      ),
    ),
  };
}

export const anyPath = { prefix: '' } as const;
