import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

export type ManifestRead =
  | { readonly ok: true; readonly objects: readonly ManifestObject[] }
  | { readonly ok: false; readonly error: string };

function isManifestObject(value: unknown): value is ManifestObject {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const meta = v.metadata as Record<string, unknown> | undefined;
  return typeof v.apiVersion === 'string' && typeof v.kind === 'string' && typeof meta?.name === 'string';
}

/** Parses multi-document YAML; empty documents are skipped, anything else malformed is an error. */
export function parseManifests(text: string, source: string): ManifestRead {
  const objects: ManifestObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    const error = doc.errors[0];
    if (error !== undefined) return { ok: false, error: `${source}: ${error.message}` };
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isManifestObject(value)) return { ok: false, error: `${source}: a document lacks apiVersion, kind or metadata.name` };
    objects.push(value);
  }
  return { ok: true, objects };
}

/** Reads every .yaml/.yml file of a folder (recursively, sorted by path), except kustomization files. */
export async function readManifestDir(dir: string): Promise<ManifestRead> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && !/^kustomization\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const objects: ManifestObject[] = [];
  for (const file of files) {
    const read = parseManifests(await readFile(file, 'utf8'), file);
    if (!read.ok) return read;
    objects.push(...read.objects);
  }
  return { ok: true, objects };
}
