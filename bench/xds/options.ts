/** `npm run bench:xds` options (see run.ts for what they mean). */
export interface Options {
  readonly json: boolean;
  readonly perChange: boolean;
  /** W2: also measure the apparatus floor (Weft subject only). */
  readonly floor: boolean;
  /** Client streams sharing one HTTP/2 connection (default 100; an Envoy has one connection of its own). */
  readonly perConnection: number;
  readonly peer: string | undefined;
  readonly streams: number;
  readonly services: number;
  readonly grpcClients: number;
  readonly changes: number;
  readonly w2Changes: number;
  readonly w2Warmup: number;
  /** W2: measured changes a subject makes before the other takes its turn. */
  readonly w2Block: number;
  readonly churn: number;
  readonly phaseTimeoutMs: number;
  /** Quiet time before each change after the first (`--gap-ms`). */
  readonly gapMs: number;
  /** Phases to run; all when absent. */
  readonly only: ReadonlySet<Phase>;
}

export const PHASES = ['w1-sotw', 'w1-delta', 'w2', 'churn'] as const;
export type Phase = (typeof PHASES)[number];

function parseOnly(value: string | undefined): ReadonlySet<Phase> {
  if (value === undefined) return new Set(PHASES);
  const picked = value.split(',').filter((p) => p !== '');
  for (const p of picked) if (!(PHASES as readonly string[]).includes(p)) throw new Error(`--only: unknown phase ${p} (known: ${PHASES.join(', ')})`);
  return new Set(picked as Phase[]);
}

export function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string, fallback: number): number => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const peerAt = argv.indexOf('--peer');
  const onlyAt = argv.indexOf('--only');
  return {
    json: argv.includes('--json'),
    perChange: argv.includes('--per-change'),
    floor: argv.includes('--floor'),
    perConnection: value('--streams-per-connection', 100),
    peer: peerAt >= 0 ? argv[peerAt + 1] : undefined,
    streams: value('--streams', 1000),
    services: value('--services', 1000),
    grpcClients: value('--grpc-clients', 100),
    changes: value('--changes', 5),
    w2Changes: value('--w2-changes', 2000),
    w2Warmup: value('--w2-warmup', 200),
    w2Block: Math.max(1, value('--w2-block', 1000)),
    churn: value('--churn', 10_000),
    phaseTimeoutMs: value('--phase-timeout-s', 120) * 1000,
    gapMs: value('--gap-ms', 0),
    only: parseOnly(onlyAt >= 0 ? argv[onlyAt + 1] : process.env.WEFT_BENCH_ONLY_FIRST === '1' ? 'w1-sotw' : undefined),
  };
}
