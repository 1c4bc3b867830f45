import { isObject } from '../lib/oas.js';

// The legacy reference gives names, types and meanings, but no bounds or defaults: every
// default, maximum, item count and non-zero minimum in this spec is the project's own reading
// of how the service behaves. Such a constraint must say so in `x-assumption` (a sentence: why
// we assume it), so that a reviewer or a generator's user never takes it for documented
// behaviour. A minimum of 0 on a count states what a count is and needs no mark.

const BOUNDS = ['default', 'maximum', 'exclusiveMaximum', 'minItems', 'maxItems'];

function assumedKeywords(schema) {
  const found = BOUNDS.filter((keyword) => schema[keyword] !== undefined);
  if (typeof schema.minimum === 'number' && schema.minimum !== 0) found.push('minimum');
  if (schema.exclusiveMinimum !== undefined) found.push('exclusiveMinimum');
  return found;
}

function* schemas(schema, path, seen = new Set()) {
  if (!isObject(schema) || seen.has(schema)) return;
  seen.add(schema);
  yield { schema, path };
  if (isObject(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) yield* schemas(property, [...path, 'properties', name], seen);
  }
  for (const keyword of ['items', 'additionalProperties', 'not']) yield* schemas(schema[keyword], [...path, keyword], seen);
  for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
    if (Array.isArray(schema[keyword])) for (const [i, member] of schema[keyword].entries()) yield* schemas(member, [...path, keyword, i], seen);
  }
}

export default function assumptionMarked(target, _options, context) {
  const results = [];
  for (const { schema, path } of schemas(target, context.path)) {
    const mark = schema['x-assumption'];
    if (mark !== undefined && (typeof mark !== 'string' || mark.trim().length < 20)) {
      results.push({ message: 'x-assumption must be a sentence (20 characters or more) saying why the constraint is assumed', path: [...path, 'x-assumption'] });
      continue;
    }
    const assumed = assumedKeywords(schema);
    if (assumed.length > 0 && mark === undefined) {
      results.push({ message: `${assumed.join(', ')} ${assumed.length === 1 ? 'is' : 'are'} not given by the legacy reference: say why it is assumed in x-assumption`, path });
    }
  }
  return results;
}
