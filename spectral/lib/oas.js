// Helpers shared by the house functions. They read the *resolved* document, where every $ref has
// been replaced by its target. The ref resolver hands out one object per target (a file or a
// JSON pointer), so "this node is components.schemas.X" can be answered by object identity.
// test/spectral/house-rules.test.ts pins that behaviour on a single-file and a split fixture:
// if a resolver upgrade ever started copying targets, the clean fixtures would start failing.

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function resolvedRoot(context) {
  const root = context.documentInventory.resolved;
  return isObject(root) ? root : {};
}

/** Name under root components.<type> whose resolved value is this very object, or null. */
export function componentNameOf(root, type, node) {
  const section = root.components?.[type];
  if (!isObject(section) || !isObject(node)) return null;
  for (const [name, value] of Object.entries(section)) {
    if (value === node) return name;
  }
  return null;
}

export function isJsonMediaType(mediaType) {
  return /^application\/(?:[\w.-]+\+)?json\s*(?:;.*)?$/i.test(mediaType);
}

/**
 * Every property schema reachable from a schema, with its path. Walks the keywords that nest
 * schemas in OpenAPI 3.0; `seen` stops at cycles (recursive models).
 */
export function* schemaProperties(schema, path, seen = new Set()) {
  if (!isObject(schema) || seen.has(schema)) return;
  seen.add(schema);
  if (isObject(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) {
      const propertyPath = [...path, 'properties', name];
      if (isObject(property)) yield { name, schema: property, path: propertyPath };
      yield* schemaProperties(property, propertyPath, seen);
    }
  }
  for (const keyword of ['items', 'additionalProperties', 'not']) {
    yield* schemaProperties(schema[keyword], [...path, keyword], seen);
  }
  for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
    if (!Array.isArray(schema[keyword])) continue;
    for (const [index, member] of schema[keyword].entries()) {
      yield* schemaProperties(member, [...path, keyword, index], seen);
    }
  }
}
