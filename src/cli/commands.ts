import type { Command } from '../config/config.ts';
import type { Logger } from '../log.ts';
import { createDiscoveryCommand } from './discovery.ts';
import { createHelpCommand } from './help.ts';
import { createOperatorCommand } from './operator.ts';
import { createProxyStatusCommand } from './proxy-status.ts';
import { createUpCommand } from './up.ts';
import { createValidateCommand } from './validate.ts';
import { createVersionCommand } from './version.ts';

/** Every `weft` subcommand. Later capabilities add one line each. */
export function allCommands(): readonly Command<Logger>[] {
  const commands: Command<Logger>[] = [];
  commands.push(
    createHelpCommand(() => commands),
    createVersionCommand(),
    createUpCommand(),
    createOperatorCommand(),
    createDiscoveryCommand(),
    createValidateCommand(),
    createProxyStatusCommand(),
  );
  return commands;
}
