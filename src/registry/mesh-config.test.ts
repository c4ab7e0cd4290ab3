import { describe, expect, it } from 'vitest';
import { DEFAULT_MESH_CONFIG, INITIAL_MESH_STATE, meshConfigMapRef, nextMeshState, parseMeshConfig, type MeshConfigState } from './mesh-config.ts';

const RENDERED = `accessLogFile: /dev/stdout
defaultConfig:
  discoveryAddress: istiod.weft-system.svc:15012
outboundTrafficPolicy:
  mode: REGISTRY_ONLY
rootNamespace: weft-system
trustDomain: example.org
`;

describe('parseMeshConfig', () => {
  it.each([
    ['the operator-rendered config', RENDERED, { outboundTrafficPolicy: 'REGISTRY_ONLY', trustDomain: 'example.org', accessLogFile: '/dev/stdout', rootNamespace: 'weft-system' }],
    ['an empty document: defaults', '', DEFAULT_MESH_CONFIG],
    ['ALLOW_ANY only: other keys default', 'outboundTrafficPolicy: {mode: ALLOW_ANY}\n', DEFAULT_MESH_CONFIG],
    ['outboundTrafficPolicy without mode: ALLOW_ANY', 'outboundTrafficPolicy: {}\n', DEFAULT_MESH_CONFIG],
    ['unknown keys are ignored', 'enableTracing: true\ntrustDomain: td\n', { ...DEFAULT_MESH_CONFIG, trustDomain: 'td' }],
    ['empty trustDomain: the default', 'trustDomain: ""\n', DEFAULT_MESH_CONFIG],
  ])('%s', (_name, text, mesh) => {
    expect(parseMeshConfig(text)).toEqual({ ok: true, mesh });
  });

  it.each([
    ['an unknown mode', 'outboundTrafficPolicy: {mode: ALLOW_SOME}\n', /outboundTrafficPolicy.mode: "ALLOW_SOME" is not one of ALLOW_ANY, REGISTRY_ONLY/],
    ['a lower-case mode', 'outboundTrafficPolicy: {mode: registry_only}\n', /outboundTrafficPolicy.mode/],
    ['outboundTrafficPolicy as a string', 'outboundTrafficPolicy: REGISTRY_ONLY\n', /outboundTrafficPolicy: expected an object/],
    ['malformed YAML', 'outboundTrafficPolicy: {mode: [\n', /^malformed YAML/],
    ['duplicate keys', 'trustDomain: a\ntrustDomain: b\n', /^malformed YAML/],
    ['a list at the top', '- a\n- b\n', /top level/],
    ['trustDomain not a string', 'trustDomain: {a: 1}\n', /trustDomain: expected a string/],
    ['accessLogFile not a string', 'accessLogFile: 3\n', /accessLogFile: expected a string/],
  ])('refuses %s', (_name, text, error) => {
    const parsed = parseMeshConfig(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });
});

describe('nextMeshState', () => {
  const good: MeshConfigState = { source: 'present', resourceVersion: '1', mesh: { ...DEFAULT_MESH_CONFIG, outboundTrafficPolicy: 'REGISTRY_ONLY' } };
  it.each<[string, MeshConfigState, Parameters<typeof nextMeshState>[1], MeshConfigState, RegExp | undefined]>([
    ['a valid ConfigMap is in force', INITIAL_MESH_STATE, { metadata: { resourceVersion: '1' }, data: { mesh: 'outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n' } }, good, undefined],
    ['malformed YAML keeps the last good config and reports', good, { metadata: { resourceVersion: '2' }, data: { mesh: 'outboundTrafficPolicy: [' } }, { source: 'present', resourceVersion: '2', mesh: good.mesh }, /^malformed YAML/],
    ['an invalid mode keeps the last good config and reports', good, { metadata: { resourceVersion: '3' }, data: { mesh: 'outboundTrafficPolicy: {mode: DENY}\n' } }, { source: 'present', resourceVersion: '3', mesh: good.mesh }, /mode: "DENY"/],
    ['a fixed ConfigMap clears the error', { ...good, error: 'x' }, { metadata: { resourceVersion: '4' }, data: { mesh: '' } }, { source: 'present', resourceVersion: '4', mesh: DEFAULT_MESH_CONFIG }, undefined],
    ['no mesh key: defaults', good, { data: {} }, { source: 'present', mesh: DEFAULT_MESH_CONFIG }, undefined],
    ['deleted: defaults', good, undefined, INITIAL_MESH_STATE, undefined],
  ])('%s', (_name, previous, configMap, expected, error) => {
    const { error: got, ...state } = nextMeshState(previous, configMap);
    expect(state).toEqual(expected);
    if (error === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(error);
  });
});

describe('meshConfigMapRef', () => {
  it.each([
    ['', 'weft-system', '', { namespace: 'weft-system', name: 'istio' }],
    ['', 'weft-system', 'default', { namespace: 'weft-system', name: 'istio' }],
    ['', 'weft-system', 'canary', { namespace: 'weft-system', name: 'istio-canary' }],
    ['mesh', 'weft-system', 'canary', { namespace: 'weft-system', name: 'mesh' }],
    ['other/mesh', 'weft-system', '', { namespace: 'other', name: 'mesh' }],
  ])('%j in %s (revision %j)', (flag, namespace, revision, expected) => {
    expect(meshConfigMapRef(flag, namespace, revision)).toEqual(expected);
  });
});
