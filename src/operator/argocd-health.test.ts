/**
 * Runs config/argocd/health.lua in a real Lua VM (fengari) the way Argo CD does: the object as the
 * global `obj`, the script's returned table read for `status` and `message`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fengari from 'fengari';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const luaPath = resolve(here, '../../config/argocd/health.lua');
const script = readFileSync(luaPath, 'utf8');
const { lua, lauxlib, lualib, to_luastring } = fengari;

/** JSON value → Lua table constructor source (arrays 1-based, null omitted as Argo's decoder does). */
function toLua(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{${value.map(toLua).join(', ')}}`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
  return `{${entries.map(([k, v]) => `[${toLua(k)}] = ${toLua(v)}`).join(', ')}}`;
}

interface Health {
  readonly status: string;
  readonly message: string;
}

function runHealth(obj: unknown): Health {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  const source = `obj = ${toLua(obj)}\nlocal function health()\n${script}\nend\nreturn health()`;
  const rc = lauxlib.luaL_dostring(L, to_luastring(source));
  if (rc !== lua.LUA_OK) throw new Error(`lua error: ${lua.lua_tojsstring(L, -1)}`);
  if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) throw new Error('health.lua did not return a table');
  lua.lua_getfield(L, -1, 'status');
  const status = lua.lua_tojsstring(L, -1);
  lua.lua_pop(L, 1);
  lua.lua_getfield(L, -1, 'message');
  const message = lua.lua_tojsstring(L, -1);
  return { status, message };
}

const cond = (type: string, status: string, reason: string, message: string, observedGeneration = 2) => ({
  type,
  status,
  reason,
  message,
  observedGeneration,
  lastTransitionTime: '2026-11-22T00:00:00Z',
});
const mcp = (status: unknown, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'mesh.weft.dev/v1alpha1',
  kind: 'MeshControlPlane',
  metadata: { name: 'default', generation: 2, ...metadata },
  spec: { namespace: 'weft-system' },
  ...(status === undefined ? {} : { status }),
});
const reconciledOk = cond('Reconciled', 'True', 'Applied', 'all children are applied');
const readyOk = cond('Ready', 'True', 'ComponentsReady', 'istiod and all enabled gateways are available');

describe('config/argocd/health.lua', () => {
  it.each([
    ['no status yet', mcp(undefined), 'Progressing', 'Waiting for the operator to report status'],
    ['being deleted', mcp({ observedGeneration: 2, conditions: [reconciledOk, readyOk] }, { deletionTimestamp: '2026-11-22T01:00:00Z' }), 'Progressing', 'MeshControlPlane is being deleted'],
    ['ready and current', mcp({ observedGeneration: 2, conditions: [reconciledOk, readyOk] }), 'Healthy', 'ComponentsReady: istiod and all enabled gateways are available'],
    ['ready but a newer generation is not observed', mcp({ observedGeneration: 1, conditions: [cond('Reconciled', 'True', 'Applied', '', 1), cond('Ready', 'True', 'ComponentsReady', '', 1)] }), 'Progressing', 'Waiting for the operator to observe generation 2'],
    ['status without conditions', mcp({ observedGeneration: 2 }), 'Progressing', 'Waiting for the Ready condition'],
    ['gateways starting', mcp({ observedGeneration: 2, conditions: [reconciledOk, cond('Ready', 'False', 'GatewaysNotReady', 'istio-ingressgateway: 0/1 replicas available')] }), 'Progressing', 'GatewaysNotReady: istio-ingressgateway: 0/1 replicas available'],
    ['invalid spec', mcp({ observedGeneration: 2, conditions: [cond('Reconciled', 'False', 'InvalidSpec', 'gateway name "istiod" is reserved'), cond('Ready', 'False', 'InvalidSpec', 'not reconciled')] }), 'Degraded', 'InvalidSpec: gateway name "istiod" is reserved'],
    ['namespace conflict', mcp({ observedGeneration: 2, conditions: [cond('Reconciled', 'False', 'NamespaceConflict', 'namespace weft-system is already managed by MeshControlPlane a')] }), 'Degraded', 'NamespaceConflict: namespace weft-system is already managed by MeshControlPlane a'],
    ['stale failure after a fix was applied', mcp({ observedGeneration: 1, conditions: [cond('Reconciled', 'False', 'InvalidSpec', 'old problem', 1)] }), 'Progressing', 'Waiting for the operator to observe generation 2'],
    ['conditions without observedGeneration', mcp({ observedGeneration: 2, conditions: [{ type: 'Ready', status: 'True', reason: 'ComponentsReady', message: '' }] }), 'Healthy', 'ComponentsReady'],
    ['ready condition older than status', mcp({ observedGeneration: 2, conditions: [cond('Ready', 'True', 'ComponentsReady', '', 1)] }), 'Progressing', 'Waiting for the Ready condition'],
    ['message with quotes, newline and unicode', mcp({ observedGeneration: 2, conditions: [cond('Ready', 'False', 'IstiodNotReady', 'pod "a"\nnot ready ✗')] }), 'Progressing', 'IstiodNotReady: pod "a"\nnot ready ✗'],
  ])('%s → %s', (_name, obj, status, message) => {
    expect(runHealth(obj)).toEqual({ status, message });
  });

  it('is embedded verbatim in the argocd-cm snippet', () => {
    const cm = parse(readFileSync(resolve(here, '../../config/argocd/argocd-cm-patch.yaml'), 'utf8')) as { data: Record<string, string> };
    expect(cm.data['resource.customizations.health.mesh.weft.dev_MeshControlPlane']).toBe(script);
  });
});
