/** Runs a `weft` command in-process the way main.ts does, collecting its stdout and stderr. */
import { PassThrough } from 'node:stream';
import { parseCommandLine, type Command } from '../config/config.ts';

export interface CommandRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

function collect(stream: PassThrough): () => string {
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return () => chunks.join('');
}

/** `make` builds the command with the stderr stream it should write to. */
export async function runCommand(make: (stderr: NodeJS.WritableStream) => Command<null>, args: readonly string[]): Promise<CommandRun> {
  const out = new PassThrough();
  const err = new PassThrough();
  const outText = collect(out);
  const errText = collect(err);
  const command = make(err);
  const parsed = parseCommandLine([command.name, ...args], {}, [command]);
  if (!parsed.ok) throw new Error(parsed.error);
  const { options, global, args: rest } = parsed.invocation;
  const code = await command.run(options, { log: null, global, args: rest, env: {}, stdout: out, signal: new AbortController().signal });
  return { code, out: outText(), err: errText() };
}
