import { isObject, schemaProperties } from '../lib/oas.js';

// ModelArts uses bare integer codes (label types, sample states, ...). A generated client shows
// `0 | 1 | 2` and nothing else, so the meaning of each value has to be in the description of
// whatever owns the enum: the schema itself, the property, or the parameter.

function numericEnum(schema) {
  for (const candidate of [schema, schema?.items]) {
    const values = candidate?.enum;
    if (Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'number')) return values;
  }
  return null;
}

function undocumented(values, ...texts) {
  const text = texts.filter((t) => typeof t === 'string').join('\n');
  return values.filter((value) => {
    const literal = String(value).replace(/[.+-]/g, '\\$&');
    return !new RegExp(`(?<![\\w.-])${literal}(?![\\w]|\\.\\d)`).test(text);
  });
}

function result(what, missing, path) {
  return { message: `${what} does not explain enum value(s) ${missing.join(', ')} in its description`, path };
}

export default function enumValuesDocumented(target, _options, context) {
  if (!isObject(target)) return [];
  const results = [];
  // Only parameter objects carry `in`; in a schema it could only appear under `properties`.
  if (typeof target.in === 'string') {
    const values = numericEnum(target.schema);
    const missing = values ? undocumented(values, target.description, target.schema.description) : [];
    if (missing.length > 0) results.push(result(`parameter "${target.name}"`, missing, context.path));
    return results;
  }
  // A named enum documents itself. Any other root belongs to a parameter, header or media type;
  // parameters are checked above against their own description.
  const isComponent = context.path.length === 3 && context.path[0] === 'components' && context.path[1] === 'schemas';
  const values = isComponent ? numericEnum(target) : null;
  const missing = values ? undocumented(values, target.description) : [];
  if (missing.length > 0) results.push(result(`schema ${context.path[2]}`, missing, context.path));
  for (const { name, schema, path } of schemaProperties(target, context.path)) {
    const propertyValues = numericEnum(schema);
    const propertyMissing = propertyValues ? undocumented(propertyValues, schema.description) : [];
    if (propertyMissing.length > 0) results.push(result(`property "${name}"`, propertyMissing, path));
  }
  return results;
}
