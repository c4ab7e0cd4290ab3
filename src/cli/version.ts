import { defineCommand, type Command } from '../config/config.ts';
import { readVersion } from '../version.ts';

export function createVersionCommand<L>(): Command<L> {
  return defineCommand<L, Record<string, never>>({
    name: 'version',
    summary: 'Print the weft version',
    options: {},
    run: (_options, ctx) => {
      ctx.stdout.write(`weft ${readVersion()} (node ${process.version})\n`);
      return Promise.resolve(0);
    },
  });
}
