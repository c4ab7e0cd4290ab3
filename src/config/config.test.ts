import { describe, expect, it } from 'vitest';
import { defineCommand, parseCommandLine, type Command } from './config.ts';
import { convertValue, parseOptions, type OptionSpec } from './options.ts';

const specs = {
  name: { kind: 'string', description: 'a name', short: 'n' },
  port: { kind: 'int', default: 8080, min: 1, max: 65535, env: 'T_PORT', description: 'a port' },
  debug: { kind: 'bool', default: false, env: 'T_DEBUG', description: 'debug' },
  mode: { kind: 'enum', choices: ['a', 'b'], default: 'a', description: 'mode' },
} as const;

describe('parseOptions', () => {
  it.each([
    { argv: [], env: {}, want: { name: undefined, port: 8080, debug: false, mode: 'a' } },
    { argv: ['--port', '9000'], env: {}, want: { name: undefined, port: 9000, debug: false, mode: 'a' } },
    { argv: ['--port=9001', '--debug'], env: {}, want: { name: undefined, port: 9001, debug: true, mode: 'a' } },
    { argv: ['-n', 'x', '--mode', 'b'], env: {}, want: { name: 'x', port: 8080, debug: false, mode: 'b' } },
    { argv: [], env: { T_PORT: '7000', T_DEBUG: 'yes' }, want: { name: undefined, port: 7000, debug: true, mode: 'a' } },
    { argv: ['--port', '1'], env: { T_PORT: '7000' }, want: { name: undefined, port: 1, debug: false, mode: 'a' } },
    { argv: ['--debug=false'], env: { T_DEBUG: 'true' }, want: { name: undefined, port: 8080, debug: false, mode: 'a' } },
    { argv: [], env: { T_PORT: '' }, want: { name: undefined, port: 8080, debug: false, mode: 'a' } },
  ])('parses $argv with env $env', ({ argv, env, want }) => {
    const result = parseOptions(specs, argv, env);
    expect(result).toEqual({ ok: true, values: want, rest: [] });
    if (result.ok) expect(Object.isFrozen(result.values)).toBe(true);
  });

  it.each([
    { argv: ['--port', 'abc'], env: {}, error: '--port: "abc" is not an integer' },
    { argv: ['--port', '0'], env: {}, error: '--port: 0 is below the minimum 1' },
    { argv: ['--port', '70000'], env: {}, error: '--port: 70000 is above the maximum 65535' },
    { argv: [], env: { T_PORT: '8.5' }, error: 'T_PORT: "8.5" is not an integer' },
    { argv: [], env: { T_DEBUG: 'maybe' }, error: 'T_DEBUG: "maybe" is not a boolean (use true or false)' },
    { argv: ['--mode', 'c'], env: {}, error: '--mode: "c" is not one of a, b' },
    { argv: ['--nope'], env: {}, error: 'unknown flag --nope' },
    { argv: ['--name'], env: {}, error: '--name needs a value' },
  ])('rejects $argv with env $env', ({ argv, env, error }) => {
    expect(parseOptions(specs, argv, env)).toEqual({ ok: false, error });
  });

  it('keeps positional arguments and everything after --', () => {
    expect(parseOptions(specs, ['a', '--debug', '-', '--', '--port'], {})).toMatchObject({ ok: true, rest: ['a', '-', '--port'] });
  });

  it.each<[OptionSpec, string, unknown]>([
    [{ kind: 'bool', default: false, description: '' }, 'ON', true],
    [{ kind: 'bool', default: true, description: '' }, '0', false],
    [{ kind: 'int', default: 0, description: '' }, '-3', -3],
  ])('converts %j %s', (spec, raw, value) => {
    expect(convertValue(spec, raw, 'x')).toEqual({ ok: true, value });
  });
});

describe('parseCommandLine', () => {
  const seen: unknown[] = [];
  const commands: Command<null>[] = [
    defineCommand<null, { replicas: { kind: 'int'; default: 1; description: 'r' } }>({
      name: 'run',
      summary: 'run',
      options: { replicas: { kind: 'int', default: 1, description: 'r' } },
      run: (options) => {
        seen.push(options.replicas);
        return Promise.resolve(0);
      },
    }),
    defineCommand<null, Record<string, never>>({ name: 'help', summary: 'help', options: {}, run: () => Promise.resolve(0) }),
  ];

  it.each([
    { argv: ['run', '--replicas', '3'], command: 'run', options: { replicas: 3 }, logLevel: 'info' },
    { argv: ['--log-level', 'debug', 'run'], command: 'run', options: { replicas: 1 }, logLevel: 'debug' },
    { argv: [], command: 'help', options: {}, logLevel: 'info' },
    { argv: ['--log-level=warn'], command: 'help', options: {}, logLevel: 'warn' },
  ])('selects $command from $argv', ({ argv, command, options, logLevel }) => {
    const result = parseCommandLine(argv, {}, commands);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.invocation.command.name).toBe(command);
    expect(result.invocation.options).toEqual(options);
    expect(result.invocation.global.logLevel).toBe(logLevel);
    expect(Object.isFrozen(result.invocation.global)).toBe(true);
  });

  it.each([
    { argv: ['fly'], env: {}, error: 'unknown command "fly"; run "weft help" for the list' },
    { argv: ['run', '--replicas', 'many'], env: {}, error: 'weft run: --replicas: "many" is not an integer' },
    { argv: ['run'], env: { WEFT_LOG_LEVEL: 'loud' }, error: 'weft run: WEFT_LOG_LEVEL: "loud" is not one of trace, debug, info, warn, error, fatal, silent' },
    { argv: ['run', '--log-format', 'xml'], env: {}, error: 'weft run: --log-format: "xml" is not one of auto, json, text' },
  ])('reports bad input $argv', ({ argv, env, error }) => {
    expect(parseCommandLine(argv, env, commands)).toEqual({ ok: false, error });
  });

  it('passes typed options to run', async () => {
    const result = parseCommandLine(['run', '--replicas', '5'], {}, commands);
    if (!result.ok) throw new Error(result.error);
    const { command, options } = result.invocation;
    await command.run(options, { log: null, global: result.invocation.global, args: [], env: {}, stdout: process.stdout, signal: new AbortController().signal });
    expect(seen).toContain(5);
  });
});
