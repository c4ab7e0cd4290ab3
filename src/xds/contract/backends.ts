/**
 * Real gRPC echo servers on loopback for the contract tests. Each replies with its own name;
 * its behaviour can be switched at run time (fail with UNAVAILABLE, alternate, hold calls).
 */
import * as grpc from '@grpc/grpc-js';

export const ECHO_PATH = '/weft.test.Echo/Echo';

export type BackendMode = 'ok' | 'fail' | 'alternate' | 'hold' | 'slow';

export interface Backend {
  readonly name: string;
  readonly port: number;
  mode: BackendMode;
  /** Calls received. */
  calls: number;
  /** Calls currently held (mode 'hold'). */
  readonly held: number;
  releaseHeld(): void;
  stop(): Promise<void>;
}

const identity = (b: Buffer): Buffer => b;

const definition: grpc.ServiceDefinition = {
  Echo: { path: ECHO_PATH, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
};

export async function startBackend(name: string): Promise<Backend> {
  const server = new grpc.Server();
  const waiting: (() => void)[] = [];
  const backend: Backend = {
    name,
    port: 0,
    mode: 'ok',
    calls: 0,
    get held() {
      return waiting.length;
    },
    releaseHeld() {
      for (const release of waiting.splice(0)) release();
    },
    stop: () =>
      new Promise((resolve) => {
        backend.releaseHeld();
        server.tryShutdown(() => {
          resolve();
        });
      }),
  };
  server.addService(definition, {
    Echo: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      backend.calls++;
      const reply = (): void => {
        callback(null, Buffer.from(name));
      };
      const fail = (): void => {
        callback({ code: grpc.status.UNAVAILABLE, details: `${name} injected failure` });
      };
      switch (backend.mode) {
        case 'ok':
          reply();
          return;
        case 'fail':
          fail();
          return;
        case 'alternate':
          if (backend.calls % 2 === 1) fail();
          else reply();
          return;
        case 'hold':
          waiting.push(reply);
          return;
        case 'slow':
          setTimeout(reply, 2_000);
          return;
      }
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err === null) resolve(bound);
      else reject(err);
    });
  });
  Object.assign(backend, { port });
  return backend;
}
