import { commandHelp, defineCommand, globalOptions, type Command } from '../config/config.ts';
import { describeOptions } from '../config/options.ts';

/** `weft help [command]`: the command list, or one command's flags. */
export function createHelpCommand<L>(commands: () => readonly Command<L>[]): Command<L> {
  return defineCommand<L, Record<string, never>>({
    name: 'help',
    summary: 'Show help for weft or for one command',
    usage: 'weft help [command]',
    options: {},
    run: (_options, ctx) => {
      const topic = ctx.args[0];
      const command = commands().find((c) => c.name === topic);
      if (topic !== undefined && command === undefined) {
        ctx.stdout.write(`unknown command "${topic}"\n`);
        return Promise.resolve(2);
      }
      ctx.stdout.write(command === undefined ? overview(commands()) : commandHelp(command));
      return Promise.resolve(0);
    },
  });
}

function overview<L>(commands: readonly Command<L>[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'weft: an Istio-compatible service-mesh control plane and Kubernetes operator',
    '',
    'Usage: weft <command> [flags]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global flags:',
    ...describeOptions(globalOptions),
    '',
    'Run "weft <command> --help" for the flags of one command.',
    '',
  ].join('\n');
}
