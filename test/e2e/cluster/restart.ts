/**
 * Restarts only kube-apiserver of a running local control plane, with the same binary, flags and
 * port: for tests of what clients do when the API server goes away and comes back. Works from any
 * process (the e2e workers do not hold the cluster object): the recorded PID file gives the process,
 * /proc its command line. The new process is recorded in the same PID file, so stopping the
 * cluster stops it (stopComponent reaps what the file records).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { httpOk, startComponent, waitUntil } from './processes.ts';

export interface ApiserverRestart {
  /** From SIGTERM to the old process gone. */
  readonly stopMs: number;
  /** From SIGTERM to the new one answering /readyz. */
  readonly downMs: number;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const flag = (args: readonly string[], name: string): string => {
  const value = args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (value === undefined) throw new Error(`kube-apiserver runs without --${name}`);
  return value;
};

/** `logDir` is the cluster's log folder (its PID files live next to it, in ../pids). */
export async function restartApiserver(logDir: string): Promise<ApiserverRestart> {
  const pidDir = join(logDir, '..', 'pids');
  const [pidText, binary] = (await readFile(join(pidDir, 'kube-apiserver.pid'), 'utf8')).split('\n');
  const pid = Number(pidText);
  const cmdline = (await readFile(`/proc/${String(pid)}/cmdline`, 'utf8')).split('\0').filter((a) => a !== '');
  if (binary === undefined || cmdline[0] !== binary) throw new Error(`PID ${String(pid)} is not the recorded kube-apiserver`);
  const args = cmdline.slice(1);
  const began = Date.now();
  process.kill(pid, 'SIGTERM');
  while (alive(pid)) {
    if (Date.now() - began > 30_000) process.kill(pid, 'SIGKILL');
    await delay(50);
  }
  const stopMs = Date.now() - began;
  const component = await startComponent({ name: 'kube-apiserver', binary, args, logDir, pidDir });
  const ca = await readFile(flag(args, 'client-ca-file'), 'utf8');
  await waitUntil('kube-apiserver /readyz after the restart', () => httpOk(`https://127.0.0.1:${flag(args, 'secure-port')}/readyz`, ca), { timeoutMs: 90_000, component });
  return { stopMs, downMs: Date.now() - began };
}
