/**
 * Benchmark subjects: an ADS server process driven by JSON lines on stdin/stdout — Weft
 * (our-server.ts) or the go-control-plane peer (bench/peers/go-control-plane).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface Subject {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  command(body: object): Promise<Record<string, unknown>>;
  /** RSS and heap (after a GC), bytes. */
  memory(): Promise<{ rss: number; heap: number }>;
  /** User+system CPU seconds used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

function start(name: string, child: ChildProcessWithoutNullStreams): Promise<Subject> {
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: Record<string, unknown>) => void)[] = [];
  let onListening: ((port: number) => void) | undefined;
  lines.on('line', (line) => {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    if (parsed.event === 'listening') onListening?.(Number(parsed.port));
    else waiting.shift()?.(parsed);
  });
  child.stderr.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d.toString()}`));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`${name} exited with ${code}`));
    });
    onListening = (port) => {
      const pid = child.pid ?? 0;
      const subject: Subject = {
        name,
        port,
        pid,
        command: (body) =>
          new Promise((done) => {
            waiting.push(done);
            child.stdin.write(`${JSON.stringify(body)}\n`);
          }),
        async memory() {
          const reply = await subject.command({ cmd: 'mem' });
          const status = readFileSync(`/proc/${pid}/status`, 'utf8');
          const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
          return { rss: rssKb * 1024, heap: Number(reply.heap) };
        },
        cpuSeconds() {
          const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
          return (Number(fields[11]) + Number(fields[12])) / 100;
        },
        stop() {
          child.removeAllListeners('exit');
          return new Promise((done) => {
            const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            child.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            child.stdin.write(`${JSON.stringify({ cmd: 'exit' })}\n`);
          });
        },
      };
      resolve(subject);
    };
  });
}

export function startOurs(): Promise<Subject> {
  return start('weft', spawn(process.execPath, ['--expose-gc', ...(process.env.WEFT_BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''), join(here, 'our-server.ts')], { stdio: 'pipe' }));
}

/** Builds (into the temp dir) and starts the go-control-plane peer. */
export function startPeer(): Promise<Subject> {
  const source = join(here, '..', 'peers', 'go-control-plane');
  const binary = join(tmpdir(), 'weft-bench-go-control-plane-peer');
  // Go's build cache makes this quick after the first time.
  const built = spawnSync('go', ['build', '-o', binary, '.'], { cwd: source, stdio: 'inherit' });
  if (built.status !== 0 || !existsSync(binary)) throw new Error('go build of the go-control-plane peer failed');
  return start('go-control-plane', spawn(binary, [], { stdio: 'pipe' }));
}
