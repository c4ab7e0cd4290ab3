import { pino, type Logger } from 'pino';
import type { GlobalConfig } from './config/config.ts';

export type { Logger };

const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const OMIT = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/** Renders one pino JSON line as `HH:MM:SS LEVEL msg key=value ...` for terminals. */
export function formatTextLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 19) : '--:--:--';
  const level = typeof record.level === 'number' ? (LEVEL_NAMES[record.level] ?? String(record.level)) : '?';
  const fields = Object.entries(record)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const msg = typeof record.msg === 'string' ? record.msg : '';
  return `${time} ${level.padEnd(5)} ${msg}${fields.length > 0 ? ' ' + fields.join(' ') : ''}\n`;
}

/** Creates the process logger. Called once, in main.ts; everything else receives a child. */
export function createLogger(config: Pick<GlobalConfig, 'logLevel' | 'logFormat'>, stream: NodeJS.WritableStream & { isTTY?: boolean }): Logger {
  const text = config.logFormat === 'text' || (config.logFormat === 'auto' && stream.isTTY === true);
  const destination = text ? { write: (line: string): void => void stream.write(formatTextLine(line)) } : { write: (line: string): void => void stream.write(line) };
  return pino(
    {
      level: config.logLevel,
      base: { pid: process.pid },
      redact: { paths: ['*.privateKey', '*.tlsKey', '*.token', '*.password'], censor: '[redacted]' },
    },
    destination,
  );
}
