/**
 * `npm run bench:xds [-- --json] [-- --peer go-control-plane] [--streams N] [--services N] [--changes N]
 *   [--w2-changes N] [--w2-warmup N] [--w2-block N] [--only w1-sotw,w1-delta,w2,churn] [--per-change]
 *   [--streams-per-connection N] [--gap-ms N] [--floor]`
 *
 * `--only` runs just the listed phases (comma-separated); the others are reported as `-`.
 *
 * Workload 1: N services (clusters, 10-endpoint CLAs, listener + routes) to `--streams` SotW
 * streams, then the same with delta streams. Workload 2: 100 proxyless-gRPC-shaped clients, one
 * service each. Client load runs in a separate process (load-client.ts). With --peer, the same
 * load runs against go-control-plane and our/peer ratios are printed.
 *
 * Changes follow each other as soon as every target stream has received the previous one, so a
 * SotW server is still reading the previous change's ACKs (1,000 × ~10 KB) during the next.
 * `--changes` applies to Workload 1, whose changes take tens of ms at 1,000 streams. Workload 2's
 * take a fraction of a millisecond: it measures `--w2-changes` (2,000) of each kind, so its p99 is
 * not one sample, after `--w2-warmup` (200) unmeasured ones of the same kind, so both subjects
 * are measured in their steady state (V8 has optimized the per-change code by then).
 *
 * Workload 2 runs last, in fresh subject processes (nothing left over from Workload 1's 1,000
 * streams), with both subjects' clients connected at once and their measured changes taken in
 * turns of `--w2-block` (1,000): at these sub-millisecond figures the machine's drift over a run
 * (other tenants) is as large as the difference measured, and taking turns spreads it over both.
 * Its memory per stream is measured after the same 100 streams have been opened and closed once
 * (in a fresh process the first streams' one-time allocations would otherwise dominate it).
 * Turns much shorter than that measure something else: each subject then wakes with caches the
 * other subject's processes have just used (at 10 changes per turn both slow down, Weft more).
 *
 * `--gap-ms N` waits N ms before each change instead: isolated changes (istiod's own debounce
 * keeps pushes to a proxy ≥ 100 ms apart). Idle processes wake slower, which shows in W2.
 */
import { parseArgs, type Options, type Phase } from './options.ts';
import { closeSession, fmt, makeChanges, notRun, openSession, startClient, type ChangeKind, type Figures, type Session } from './session.ts';
import { startOurs, startPeer, type Subject } from './subjects.ts';

async function runWorkload1(subject: Subject, opts: Options, kind: 'sotw' | 'delta'): Promise<Figures> {
  const session = await openSession(subject, opts, kind, 'mesh');
  // A change that does not converge in time leaves its kind (and the ones after it) unmeasured.
  if (Number.isFinite(session.initialSyncMs)) {
    for (const change of ['endpoint', 'route'] as const) if (!(await makeChanges(session, change, opts.changes, true, opts))) break;
  }
  return closeSession(session);
}

async function runChurn(subject: Subject, opts: Options): Promise<{ heapBeforeMb: number; heapAfterMb: number; rssBeforeMb: number; rssAfterMb: number }> {
  await subject.command({ cmd: 'load', workload: 'mesh', services: 10 });
  const client = await startClient();
  try {
    const before = await subject.memory();
    client.send({ type: 'churn', address: `127.0.0.1:${subject.port}`, count: opts.churn });
    await client.next('churned');
    const after = await subject.memory();
    const mb = (b: number): number => b / 1024 / 1024;
    return { heapBeforeMb: mb(before.heap), heapAfterMb: mb(after.heap), rssBeforeMb: mb(before.rss), rssAfterMb: mb(after.rss) };
  } finally {
    await client.stop();
  }
}

type SubjectResult = Record<'workload1Sotw' | 'workload1Delta' | 'workload2', Figures> & { churn: Awaited<ReturnType<typeof runChurn>> };

/** Workload 1 and the churn against one subject process; Workload 2 is filled in by runWorkload2. */
async function runSubject(start: () => Promise<Subject>, opts: Options): Promise<SubjectResult> {
  const subject = await start();
  try {
    const run = (phase: Phase, kind: 'sotw' | 'delta'): Promise<Figures> => (opts.only.has(phase) ? runWorkload1(subject, opts, kind) : Promise.resolve(notRun()));
    const workload1Sotw = await run('w1-sotw', 'sotw');
    const workload1Delta = await run('w1-delta', 'delta');
    const churn = opts.only.has('churn') ? await runChurn(subject, opts) : { heapBeforeMb: NaN, heapAfterMb: NaN, rssBeforeMb: NaN, rssAfterMb: NaN };
    return { workload1Sotw, workload1Delta, workload2: notRun(), churn };
  } finally {
    await subject.stop();
  }
}

/** One kind of change on every session: warm-up first, then measured blocks taken in turn. */
async function interleave(sessions: readonly Session[], kind: ChangeKind, opts: Options): Promise<void> {
  for (const session of sessions) await makeChanges(session, kind, opts.w2Warmup, false, opts);
  for (let done = 0; done < opts.w2Changes; done += opts.w2Block) {
    for (const session of sessions) await makeChanges(session, kind, Math.min(opts.w2Block, opts.w2Changes - done), true, opts);
  }
}

/** Workload 2 against fresh processes of every subject at once (see the module comment); figures in the order of `starts`. */
async function runWorkload2(starts: readonly (() => Promise<Subject>)[], opts: Options): Promise<Figures[]> {
  const subjects: Subject[] = [];
  const sessions: Session[] = [];
  try {
    for (const start of starts) {
      const subject = await start();
      subjects.push(subject);
      sessions.push(await openSession(subject, opts, 'sotw', 'grpc', true));
    }
    const synced = sessions.filter((s) => Number.isFinite(s.initialSyncMs));
    await interleave(synced, 'endpoint', opts);
    await interleave(synced, 'route', opts);
    const weft = synced.filter((s) => s.subject.name === 'weft');
    if (opts.floor) await interleave(weft, 'floor', opts);
    const figures: Figures[] = [];
    for (const session of sessions.splice(0)) figures.push(await closeSession(session));
    return figures;
  } finally {
    for (const session of sessions) await session.client.stop();
    for (const subject of subjects) await subject.stop();
  }
}

function ratios(ours: SubjectResult, peer: SubjectResult): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const w of ['workload1Sotw', 'workload1Delta', 'workload2'] as const) {
    const row: Record<string, number> = {};
    for (const [key, value] of Object.entries(ours[w])) row[key] = value / (peer[w][key as keyof Figures] || NaN);
    out[w] = row;
  }
  return out;
}

function table(result: Record<string, unknown>): string {
  const rows: string[] = [];
  const subjects = Object.entries(result).filter(([k]) => k !== 'ratios' && k !== 'options') as [string, SubjectResult][];
  const cols = ['workload1Sotw', 'workload1Delta', 'workload2'] as const;
  for (const [name, r] of subjects) {
    rows.push(`\n${name}`, ['figure'.padEnd(24), ...cols.map((c) => c.padStart(16))].join(''));
    for (const key of Object.keys(r.workload1Sotw) as (keyof Figures)[]) rows.push([key.padEnd(24), ...cols.map((c) => fmt(r[c][key]).padStart(16))].join(''));
    rows.push(`churn: heap ${fmt(r.churn.heapBeforeMb)} → ${fmt(r.churn.heapAfterMb)} MB, rss ${fmt(r.churn.rssBeforeMb)} → ${fmt(r.churn.rssAfterMb)} MB`);
  }
  const ratio = result.ratios as Record<string, Record<string, number>> | undefined;
  if (ratio !== undefined) {
    rows.push('\nours / peer', ['figure'.padEnd(24), ...cols.map((c) => c.padStart(16))].join(''));
    for (const key of Object.keys(ratio.workload1Sotw ?? {})) rows.push([key.padEnd(24), ...cols.map((c) => fmt(ratio[c]?.[key] ?? NaN).padStart(16))].join(''));
  }
  return `${rows.join('\n')}\n`;
}

const opts = parseArgs(process.argv.slice(2));
const result: Record<string, unknown> = { options: opts };
const ours = await runSubject(startOurs, opts);
const peer = opts.peer === undefined ? undefined : opts.peer === 'go-control-plane' ? await runSubject(startPeer, opts) : undefined;
if (opts.peer !== undefined && peer === undefined) throw new Error(`unknown peer ${opts.peer}`);
if (opts.only.has('w2')) {
  const [oursW2, peerW2] = await runWorkload2(peer === undefined ? [startOurs] : [startOurs, startPeer], opts);
  if (oursW2 !== undefined) ours.workload2 = oursW2;
  if (peer !== undefined && peerW2 !== undefined) peer.workload2 = peerW2;
}
result.weft = ours;
if (peer !== undefined) {
  result['go-control-plane'] = peer;
  result.ratios = ratios(ours, peer);
}
process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : table(result));
process.exit(0);
