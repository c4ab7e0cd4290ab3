/** Helpers for the rule tables: build an object of a kind around a spec, and check its outcome. */
import { expect } from 'vitest';
import type { IstioKind, IstioResource } from '../types.ts';
import { validateIstioObject } from '../validate.ts';
import type { FieldWarning, Validated } from '../validated.ts';

export type { RuleCase } from './cases/rule-case.ts';

export function validateSpec(kind: IstioKind, spec: unknown, name = 'example', namespace = 'default'): Validated<IstioResource> {
  return validateIstioObject({ apiVersion: 'networking.istio.io/v1', kind, metadata: { name, namespace }, spec });
}

export function expectValid(kind: IstioKind, spec: unknown, name?: string): readonly FieldWarning[] {
  const result = validateSpec(kind, spec, name);
  expect(result.ok ? [] : result.errors).toEqual([]);
  return result.warnings;
}

export function expectError(kind: IstioKind, spec: unknown, message: string, path?: string, name?: string): void {
  const result = validateSpec(kind, spec, name);
  expect(result.ok).toBe(false);
  const errors = result.ok ? [] : result.errors;
  expect(errors).toContainEqual(expect.objectContaining({ message: expect.stringContaining(message) as unknown, ...(path === undefined ? {} : { path }) }));
}

export function expectWarning(kind: IstioKind, spec: unknown, message: string, code?: string): void {
  const result = validateSpec(kind, spec);
  expect(result.warnings).toContainEqual(expect.objectContaining({ message: expect.stringContaining(message) as unknown, ...(code === undefined ? {} : { code }) }));
}
