import { describeOptions, parseOptions, type OptionSpecs, type OptionValues } from './options.ts';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options every command accepts. */
export const globalOptions = {
  logLevel: { kind: 'enum', choices: LOG_LEVELS, default: 'info', env: 'WEFT_LOG_LEVEL', description: 'Minimum log level' },
  logFormat: {
    kind: 'enum',
    choices: ['auto', 'json', 'text'],
    default: 'auto',
    env: 'WEFT_LOG_FORMAT',
    description: 'Log format on stderr; auto means text on a terminal and JSON otherwise',
  },
  help: { kind: 'bool', default: false, short: 'h', description: 'Show help' },
} as const satisfies OptionSpecs;

export type GlobalConfig = OptionValues<typeof globalOptions>;

/** What a command receives besides its own options. */
export interface CommandContext<L> {
  readonly log: L;
  readonly global: GlobalConfig;
  /** Positional arguments after the command name. */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: NodeJS.WritableStream;
  /** Aborted on SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
}

export interface Command<L = unknown> {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: OptionSpecs;
  /** Runs with options already validated against `options`; resolves to the exit code. */
  readonly run: (options: Readonly<Record<string, unknown>>, ctx: CommandContext<L>) => Promise<number>;
}

/** Declares a command whose `run` sees option values typed from its specs. */
export function defineCommand<L, O extends OptionSpecs>(def: {
  readonly name: string;
  readonly summary: string;
  readonly usage?: string;
  readonly options: O;
  readonly run: (options: OptionValues<O>, ctx: CommandContext<L>) => Promise<number>;
}): Command<L> {
  return {
    name: def.name,
    summary: def.summary,
    usage: def.usage ?? `weft ${def.name} [flags]`,
    options: def.options,
    // The values were produced by parseOptions from def.options, so they have this shape.
    run: (options, ctx) => def.run(options as OptionValues<O>, ctx),
  };
}

export interface Invocation<L> {
  readonly command: Command<L>;
  readonly global: GlobalConfig;
  readonly options: Readonly<Record<string, unknown>>;
  readonly args: readonly string[];
}

export type CommandLine<L> =
  | { readonly ok: true; readonly invocation: Readonly<Invocation<L>> }
  | { readonly ok: false; readonly error: string };

/**
 * Parses the whole command line once: the first positional word names the command
 * (default `help`), and global flags may stand anywhere.
 */
export function parseCommandLine<L>(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  commands: readonly Command<L>[],
): CommandLine<L> {
  const nameIndex = findCommandIndex(argv);
  const name = nameIndex === -1 ? 'help' : (argv[nameIndex] ?? 'help');
  const command = commands.find((c) => c.name === name);
  if (command === undefined) return { ok: false, error: `unknown command "${name}"; run "weft help" for the list` };
  const rest = nameIndex === -1 ? argv : [...argv.slice(0, nameIndex), ...argv.slice(nameIndex + 1)];
  const clash = Object.keys(command.options).find((k) => k in globalOptions);
  if (clash !== undefined) throw new Error(`command ${command.name} redefines the global option ${clash}`);
  const parsed = parseOptions({ ...globalOptions, ...command.options }, rest, env);
  if (!parsed.ok) return { ok: false, error: `weft ${command.name}: ${parsed.error}` };
  const { logLevel, logFormat, help, ...options } = parsed.values;
  const global: GlobalConfig = Object.freeze({ logLevel, logFormat, help });
  return { ok: true, invocation: Object.freeze({ command, global, options: Object.freeze(options), args: parsed.rest }) };
}

/** Index of the first positional word, skipping the values of global flags such as `--log-level debug`. */
function findCommandIndex(argv: readonly string[]): number {
  const valued = new Set(
    Object.entries(globalOptions)
      .filter(([, spec]) => spec.kind !== 'bool')
      .map(([name]) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`),
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-')) return i;
    if (valued.has(arg)) i++;
  }
  return -1;
}

/** Help text for one command, including the global flags. */
export function commandHelp<L>(command: Command<L>): string {
  const own = describeOptions(command.options);
  return [
    command.summary,
    '',
    `Usage: ${command.usage}`,
    ...(own.length > 0 ? ['', 'Flags:', ...own] : []),
    '',
    'Global flags:',
    ...describeOptions(globalOptions),
    '',
  ].join('\n');
}
