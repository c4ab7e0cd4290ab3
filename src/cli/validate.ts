/**
 * `weft validate -f PATH|-`: offline validation of Istio networking manifests, with the same rules
 * as the cluster (schema + istiod's webhook) and the cross-resource checks of `istioctl analyze`
 * across all the files given. Exit 0: all valid; 1: some object invalid; 2: unreadable input.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { defineCommand, type Command } from '../config/config.ts';
import { validateBatch, type BatchResult, type ObjectReport, type SourceText } from '../model/batch.ts';

const validateOptions = {
  file: { kind: 'string', short: 'f', description: 'File or directory (read recursively) of YAML/JSON manifests; - reads stdin. Paths may also be given as arguments' },
  output: { kind: 'enum', short: 'o', choices: ['text', 'json'], default: 'text', description: 'Output format' },
  namespace: { kind: 'string', short: 'n', default: 'default', description: 'Namespace of objects that do not name one' },
} as const;

const MANIFEST = /\.(ya?ml|json)$/i;

type Read = { readonly ok: true; readonly texts: SourceText[] } | { readonly ok: false; readonly error: string };

async function readPath(path: string, stdin: () => Promise<string>): Promise<Read> {
  if (path === '-') return { ok: true, texts: [{ source: '-', text: await stdin() }] };
  try {
    const info = await stat(path);
    if (!info.isDirectory()) return { ok: true, texts: [{ source: path, text: await readFile(path, 'utf8') }] };
    const entries = await readdir(path, { recursive: true, withFileTypes: true });
    const files = entries.filter((e) => e.isFile() && MANIFEST.test(e.name)).map((e) => join(e.parentPath, e.name)).sort();
    const texts: SourceText[] = [];
    for (const file of files) texts.push({ source: file, text: await readFile(file, 'utf8') });
    return { ok: true, texts };
  } catch (err) {
    return { ok: false, error: `${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

const name = (o: ObjectReport): string => `${o.kind || '<no kind>'} ${o.namespace}/${o.name || '<no name>'}`;

/** Human-readable report, one block per object and a summary line. */
export function renderText(result: BatchResult): string {
  const lines: string[] = [];
  for (const o of result.objects) {
    const verdict = o.skipped === true ? 'SKIPPED' : o.valid ? 'VALID  ' : 'INVALID';
    lines.push(`${verdict} ${name(o)} (${o.apiVersion || '?'}) ${o.location}${o.reason === undefined ? '' : `: ${o.reason}`}`);
    for (const e of o.errors) lines.push(`    error   ${e.path || '<object>'}: ${e.message}`);
    for (const w of o.warnings) lines.push(`    warning ${w.code} ${w.path || '<object>'}: ${w.message}`);
  }
  const count = (p: (o: ObjectReport) => boolean): number => result.objects.filter(p).length;
  const skipped = count((o) => o.skipped === true);
  lines.push(`${count((o) => o.valid) - skipped} valid, ${count((o) => !o.valid)} invalid, ${skipped} skipped`);
  return lines.join('\n') + '\n';
}

/** The JSON array of `-o json`: one element per object. */
export function renderJson(result: BatchResult): string {
  const rows = result.objects.map((o) => ({
    kind: o.kind,
    apiVersion: o.apiVersion,
    namespace: o.namespace,
    name: o.name,
    valid: o.valid,
    errors: o.errors.map((e) => ({ path: e.path, message: e.message })),
    warnings: o.warnings.map((w) => ({ path: w.path, message: w.message, code: w.code })),
    ...(o.skipped === true ? { skipped: true } : {}),
  }));
  return JSON.stringify(rows, null, 2) + '\n';
}

/** The exit code for a finished batch. */
export const exitCode = (result: BatchResult): number => (result.readErrors.length > 0 ? 2 : result.objects.some((o) => !o.valid) ? 1 : 0);

export interface ValidateIo {
  readonly readStdin?: () => Promise<string>;
  readonly stderr?: NodeJS.WritableStream;
}

export function createValidateCommand<L>(io: ValidateIo = {}): Command<L> {
  const stdin = io.readStdin ?? readStdin;
  const stderr = io.stderr ?? process.stderr;
  return defineCommand<L, typeof validateOptions>({
    name: 'validate',
    summary: 'Validate Istio networking manifests offline (schema, istiod rules, cross-resource checks)',
    usage: 'weft validate [-f PATH|-] [PATH...] [-o text|json]',
    options: validateOptions,
    run: async (options, ctx) => {
      const paths = [...(options.file === undefined ? [] : [options.file]), ...ctx.args];
      if (paths.length === 0) {
        stderr.write('weft validate: give a file or directory with -f PATH (or - for stdin)\n');
        return 2;
      }
      const texts: SourceText[] = [];
      const readErrors: string[] = [];
      for (const path of paths) {
        const read = await readPath(path, stdin);
        if (read.ok) texts.push(...read.texts);
        else readErrors.push(read.error);
      }
      const batch = validateBatch(texts, { defaultNamespace: options.namespace });
      const result: BatchResult = { objects: batch.objects, readErrors: [...readErrors, ...batch.readErrors] };
      for (const e of result.readErrors) stderr.write(`weft validate: ${e}\n`);
      ctx.stdout.write(options.output === 'json' ? renderJson(result) : renderText(result));
      return exitCode(result);
    },
  });
}
