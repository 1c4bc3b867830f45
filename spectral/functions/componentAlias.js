import { isObject, resolvedRoot } from '../lib/oas.js';

// Two component names for one target (`A: {$ref: ./X.yaml}` next to `X: {$ref: ./X.yaml}`, or
// `A: {$ref: '#/components/schemas/X'}`) leave the bundler to pick which name a use gets, so
// generated model names stop being stable. It also keeps the identity checks of
// house-named-response-schema and house-unused-component unambiguous.

const TYPES = ['schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'links', 'callbacks'];

export default function componentAlias(_root, _options, context) {
  const root = resolvedRoot(context);
  if (!isObject(root.components)) return [];
  const results = [];
  for (const type of TYPES) {
    const section = root.components[type];
    if (!isObject(section)) continue;
    const firstName = new Map();
    for (const [name, value] of Object.entries(section)) {
      if (!isObject(value)) continue;
      const first = firstName.get(value);
      if (first === undefined) {
        firstName.set(value, name);
      } else {
        results.push({
          message: `components.${type}.${name} refers to the same target as components.${type}.${first}`,
          path: ['components', type, name],
        });
      }
    }
  }
  return results;
}
