#!/usr/bin/env node
/**
 * The composition root of the `weft` binary: parse the command line once, create the one
 * logger, wire signals, and run the chosen command. Nothing else reads process.env or argv.
 */
import { allCommands } from './cli/commands.ts';
import { commandHelp, parseCommandLine } from './config/config.ts';
import { createLogger } from './log.ts';

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandLine(argv, process.env, allCommands());
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`);
    return 2;
  }
  const { command, global, options, args } = parsed.invocation;
  if (global.help && command.name !== 'help') {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  const log = createLogger(global, process.stderr);
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (abort.signal.aborted) {
      log.warn({ signal }, 'second signal, exiting now');
      process.exit(130);
    }
    log.info({ signal }, 'shutting down');
    abort.abort(new Error(`received ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await command.run(options, { log: log.child({ command: command.name }), global, args, env: process.env, stdout: process.stdout, signal: abort.signal });
  } catch (err) {
    log.fatal({ err }, 'command failed');
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

process.exitCode = await main(process.argv.slice(2));
