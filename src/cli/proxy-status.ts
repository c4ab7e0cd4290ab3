/**
 * `weft proxy-status`: like `istioctl proxy-status`, one line per connected proxy with the sync
 * state of each xDS type: SYNCED (all sent was ACKed), NOT SENT (subscribed, nothing sent yet),
 * STALE (a response awaits its ACK), ERROR (the proxy rejected what it was sent), `-` (not
 * subscribed). It reads `/debug/syncz` of a running `weft discovery` (the debug port, 15014).
 * Exit 0 when the table was printed, 2 when discovery could not be read.
 */
import { defineCommand, type Command } from '../config/config.ts';

const proxyStatusOptions = {
  debugAddress: { kind: 'string', default: 'http://127.0.0.1:15014', env: 'WEFT_DEBUG_ADDRESS', description: 'Base URL or host:port of the discovery debug server (istiod: 15014)' },
  output: { kind: 'enum', short: 'o', choices: ['text', 'json'], default: 'text', description: 'Output format' },
} as const;

const COLUMNS = ['cds', 'lds', 'eds', 'rds'] as const;

/** One entry of /debug/syncz, as far as this command reads it. */
export interface SyncEntry {
  readonly proxyID: string;
  readonly kind: string;
  readonly group: string;
  readonly userAgent?: string;
  readonly types: readonly { readonly type: string; readonly status: string }[];
}

const shown = (status: string | undefined): string => (status === undefined ? '-' : status === 'NOT_SENT' ? 'NOT SENT' : status);

/** The text table: a header, then proxies sorted by name (then stream kind). */
export function renderProxyStatus(entries: readonly SyncEntry[]): string {
  const rows = [...entries]
    .sort((a, b) => a.proxyID.localeCompare(b.proxyID) || a.kind.localeCompare(b.kind))
    .map((e) => [e.proxyID, e.group, e.kind.toUpperCase(), ...COLUMNS.map((c) => shown(e.types.find((t) => t.type === c)?.status)), e.userAgent ?? '']);
  const table = [['NAME', 'GROUP', 'STREAM', ...COLUMNS.map((c) => c.toUpperCase()), 'AGENT'], ...rows];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length))) ?? [];
  const lines = table.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 3))).join('').trimEnd());
  if (rows.length === 0) lines.push('(no proxies connected)');
  return `${lines.join('\n')}\n`;
}

function isSyncEntries(value: unknown): value is SyncEntry[] {
  return Array.isArray(value) && value.every((e) => typeof e === 'object' && e !== null && typeof (e as SyncEntry).proxyID === 'string' && Array.isArray((e as SyncEntry).types));
}

async function fetchSyncz(base: string): Promise<{ ok: true; entries: SyncEntry[] } | { ok: false; error: string }> {
  // A bare host:port is read over plain HTTP.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(base) ? base : `http://${base}`;
  const url = `${withScheme.replace(/\/+$/, '')}/debug/syncz`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return { ok: false, error: `${url}: HTTP ${response.status}` };
    const body: unknown = await response.json();
    return isSyncEntries(body) ? { ok: true, entries: body } : { ok: false, error: `${url}: not a syncz list` };
  } catch (err) {
    return { ok: false, error: `${url}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export function createProxyStatusCommand<L>(deps: { readonly stderr?: NodeJS.WritableStream } = {}): Command<L> {
  const stderr = deps.stderr ?? process.stderr;
  return defineCommand<L, typeof proxyStatusOptions>({
    name: 'proxy-status',
    summary: 'Show the xDS sync state of every connected proxy (like istioctl proxy-status)',
    options: proxyStatusOptions,
    run: async (options, ctx) => {
      const read = await fetchSyncz(options.debugAddress);
      if (!read.ok) {
        stderr.write(`weft proxy-status: ${read.error}\n`);
        return 2;
      }
      ctx.stdout.write(options.output === 'json' ? `${JSON.stringify(read.entries, null, 2)}\n` : renderProxyStatus(read.entries));
      return 0;
    },
  });
}
