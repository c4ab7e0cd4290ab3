/** Renders a schema description as a structural OpenAPI v3 schema with CEL rules (x-kubernetes-validations). */
import type { CelRule, Schema } from '../schema/dsl.ts';

export type OpenApi = { readonly [key: string]: unknown };

const validations = (rules: readonly CelRule[]): OpenApi =>
  rules.length === 0 ? {} : { 'x-kubernetes-validations': rules.map((r) => ({ rule: r.rule, message: r.message })) };

const oneOfRule = (group: readonly string[]): CelRule => ({
  rule: group.map((k) => `(has(self.${k}) ? 1 : 0)`).join(' + ') + ' <= 1',
  message: `only one of [${group.join(', ')}] may be set`,
  check: () => true,
});

const optional = (key: string, value: unknown): OpenApi => (value === undefined ? {} : { [key]: value });

/** Converts one node; property order is kept so the output is deterministic. */
export function toOpenApi(schema: Schema): OpenApi {
  const common = { ...optional('description', schema.description) };
  const cel = schema.cel ?? [];
  switch (schema.type) {
    case 'any':
      return { ...common, type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    case 'string':
      return { ...common, type: 'string', ...optional('enum', schema.enum), ...optional('maxLength', schema.maxLength), ...validations(cel) };
    case 'boolean':
      return { ...common, type: 'boolean', ...validations(cel) };
    case 'number':
      return { ...common, type: 'number', format: 'double', ...optional('minimum', schema.minimum), ...optional('maximum', schema.maximum), ...validations(cel) };
    case 'integer':
      return {
        ...common,
        type: 'integer',
        format: schema.format === 'int32' ? 'int32' : 'int64',
        minimum: schema.minimum,
        maximum: schema.maximum,
        ...validations(cel),
      };
    case 'array':
      return {
        ...common,
        type: 'array',
        items: toOpenApi(schema.items),
        ...optional('minItems', schema.minItems),
        ...optional('maxItems', schema.maxItems),
        ...validations(cel),
      };
    case 'map':
      return { ...common, type: 'object', additionalProperties: toOpenApi(schema.values), ...validations(cel) };
    case 'object':
      return {
        ...common,
        type: 'object',
        properties: Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, toOpenApi(v)])),
        ...optional('required', schema.required),
        ...validations([...(schema.oneOf ?? []).map(oneOfRule), ...cel]),
      };
  }
}
