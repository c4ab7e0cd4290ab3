/**
 * Process plumbing for the local control plane: free ports, supervised child processes with
 * their own log files, readiness polling, and ordered shutdown by recorded PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Asks the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => { resolve(port); });
    });
  });
}

export interface Component {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<string>;
  readonly child: ChildProcess;
}

/** Starts one component detached (own process group, so Ctrl-C reaches only us) with its log in logDir. */
export async function startComponent(opts: {
  name: string;
  binary: string;
  args: readonly string[];
  logDir: string;
  pidDir: string;
  env?: Readonly<Record<string, string>>;
}): Promise<Component> {
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const out = createWriteStream(logFile, { flags: 'a' });
  await new Promise((resolve) => out.once('open', resolve));
  const child = spawn(opts.binary, opts.args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...opts.env },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${opts.name} (${opts.binary})`);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => { resolve(signal ?? `exit code ${String(code)}`); });
  });
  child.unref();
  await writeFile(join(opts.pidDir, `${opts.name}.pid`), `${pid}\n${opts.binary}\n`);
  return { name: opts.name, pid, logFile, exited, child };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after graceMs; only the recorded PID is signalled. */
export async function stopComponent(component: Component, pidDir: string, graceMs = 10_000): Promise<void> {
  if (alive(component.pid)) {
    // Children are unref'd while running; hold the event loop open until this one has exited.
    component.child.ref();
    component.child.kill('SIGTERM');
    const timedOut = await Promise.race([component.exited.then(() => false), delay(graceMs, true, { ref: false })]);
    if (timedOut) {
      component.child.kill('SIGKILL');
      await component.exited;
    }
  }
  // A test may have restarted the component (restart.ts): the file then names the new process.
  await reapStale(pidDir, [component.name]);
}

/**
 * Kills processes left behind by an earlier run of the same state folder (for example after
 * the parent was SIGKILLed): only PIDs recorded in pidDir whose executable is still the
 * recorded binary.
 */
export async function reapStale(pidDir: string, names: readonly string[]): Promise<number> {
  let reaped = 0;
  for (const name of names) {
    const file = join(pidDir, `${name}.pid`);
    const text = await readFile(file, 'utf8').catch(() => '');
    const [pidText, binary] = text.split('\n');
    const pid = Number(pidText);
    if (Number.isInteger(pid) && pid > 0 && binary !== undefined && alive(pid)) {
      const exe = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (exe.split('\0')[0] === binary) {
        process.kill(pid, 'SIGKILL');
        reaped++;
      }
    }
    await rm(file, { force: true });
  }
  return reaped;
}

/** Polls check() until it returns true, the component dies, or the deadline passes. */
export async function waitUntil(what: string, check: () => Promise<boolean>, opts: { timeoutMs: number; component?: Component; intervalMs?: number }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let died: string | undefined;
  void opts.component?.exited.then((how) => { died = how; });
  for (;;) {
    if (await check().catch(() => false)) return;
    if (died !== undefined) throw new Error(`${opts.component?.name ?? what} exited (${died}) while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what}`);
    await delay(opts.intervalMs ?? 200);
  }
}

/** GET over HTTP or HTTPS (verifying against ca when given); true on a 2xx answer. */
export async function httpOk(url: string, ca?: string): Promise<boolean> {
  if (url.startsWith('http:')) {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  }
  return new Promise((resolve) => {
    const req = request(url, { ca, timeout: 2000, rejectUnauthorized: ca !== undefined }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 300);
    });
    req.on('error', () => { resolve(false); });
    req.on('timeout', () => { req.destroy(); });
    req.end();
  });
}

/** The last `lines` lines of each log file, headed by its name. */
export function tailLogs(files: readonly string[], lines: number): string {
  const parts: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      text = '(no log)';
    }
    const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
    parts.push(`----- ${file} (last ${lines} lines) -----\n${tail}`);
  }
  return parts.join('\n');
}
