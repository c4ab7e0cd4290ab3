/** Real servers standing in for pods: one process per pod IP inside the pod network namespace. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ECHO = fileURLToPath(new URL('./echo-server.ts', import.meta.url));

export interface Workload {
  readonly name: string;
  readonly ip: string;
  stop(): Promise<void>;
}

/** Starts an echo server as `name` on ip:port inside `netns`; resolves once it listens. */
export function startEchoWorkload(netns: string, ip: string, port: number, name: string): Promise<Workload> {
  const child: ChildProcess = spawn('ip', ['netns', 'exec', netns, process.execPath, ECHO, ip, String(port), name], { stdio: ['ignore', 'pipe', 'pipe'] });
  return waitListening(child, name, ip);
}

function waitListening(child: ChildProcess, name: string, ip: string): Promise<Workload> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) {
        resolve();
        return;
      }
      child.once('exit', () => { resolve(); });
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => { reject(new Error(`echo workload ${name} exited (${String(code)}): ${stderr}`)); });
    createInterface({ input: child.stdout ?? process.stdin }).on('line', (line) => {
      if (line === 'listening') resolve({ name, ip, stop });
    });
  });
}


/** An echo server in the host's own network namespace (an "external" service on a loopback address). */
export function startLocalEcho(ip: string, port: number, name: string): Promise<Workload> {
  const child: ChildProcess = spawn(process.execPath, [ECHO, ip, String(port), name], { stdio: ['ignore', 'pipe', 'pipe'] });
  return waitListening(child, name, ip);
}
