/**
 * A pod's workload (the npm start demo, the e2e tests): a gRPC echo server bound to the pod's IP
 * inside the pod network namespace.
 * Usage: node echo-server.ts <ip> <port> <name>. Answers every call to /weft.test.Echo/Echo with
 * its name; prints "listening" once bound; exits on SIGTERM.
 */
import * as grpc from '@grpc/grpc-js';

const [ip = '127.0.0.1', portText = '8000', name = 'echo'] = process.argv.slice(2);
const identity = (b: Buffer): Buffer => b;
const server = new grpc.Server();
server.addService(
  { Echo: { path: '/weft.test.Echo/Echo', requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity } },
  {
    Echo: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      callback(null, Buffer.from(name));
    },
  },
);
server.bindAsync(`${ip}:${portText}`, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err !== null) {
    process.stderr.write(`bind failed: ${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write('listening\n');
});
process.on('SIGTERM', () => {
  server.forceShutdown();
  process.exit(0);
});
