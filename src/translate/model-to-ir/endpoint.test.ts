import { describe, expect, it } from 'vitest';
import type { RegistryEndpoint } from '../../registry/types.ts';
import { buildEndpointSet } from './endpoint.ts';

const ep = (address: string, zone: string, port = 8080, labels: Record<string, string> = {}): RegistryEndpoint => ({
  address,
  servicePort: 80,
  port,
  labels,
  locality: { region: 'r', zone, subZone: '' },
  health: 'HEALTHY',
  weight: 1,
  workload: `Pod/ns/${address}`,
});

/** A load assignment as `zone: address:port …` lines, in emitted order. */
function shape(endpoints: RegistryEndpoint[], subset: Record<string, string> = {}): string[] {
  const set = buildEndpointSet('c', endpoints, 80, subset);
  return set.localities.map((l) => `${l.zone}(${l.weight}): ${l.endpoints.map((e) => `${e.address}:${e.port}`).join(' ')}`);
}

describe('buildEndpointSet', () => {
  it.each([
    { name: 'sorted input stays as it is', input: [ep('10.0.0.1', 'a'), ep('10.0.0.2', 'a')], want: ['a(2): 10.0.0.1:8080 10.0.0.2:8080'] },
    { name: 'unsorted input is sorted by address, then port', input: [ep('10.0.0.2', 'a'), ep('10.0.0.1', 'a', 9090), ep('10.0.0.1', 'a')], want: ['a(3): 10.0.0.1:8080 10.0.0.1:9090 10.0.0.2:8080'] },
    { name: 'a duplicate address:port is sent once', input: [ep('10.0.0.1', 'a'), ep('10.0.0.1', 'a'), ep('10.0.0.2', 'a')], want: ['a(2): 10.0.0.1:8080 10.0.0.2:8080'] },
    { name: 'an unsorted duplicate is sent once', input: [ep('10.0.0.2', 'a'), ep('10.0.0.1', 'a'), ep('10.0.0.2', 'a')], want: ['a(2): 10.0.0.1:8080 10.0.0.2:8080'] },
    { name: 'localities come out in order whatever the input order', input: [ep('10.0.0.1', 'c'), ep('10.0.0.2', 'a'), ep('10.0.0.3', 'b'), ep('10.0.0.4', 'a')], want: ['a(2): 10.0.0.2:8080 10.0.0.4:8080', 'b(1): 10.0.0.3:8080', 'c(1): 10.0.0.1:8080'] },
  ])('$name', ({ input, want }) => {
    expect(shape(input)).toEqual(want);
  });

  it('keeps only the endpoints whose labels match the subset', () => {
    expect(shape([ep('10.0.0.1', 'a', 8080, { v: '1' }), ep('10.0.0.2', 'a', 8080, { v: '2' })], { v: '2' })).toEqual(['a(1): 10.0.0.2:8080']);
  });
});
