import { isObject } from '../lib/oas.js';

function constrains(schema) {
  if (!isObject(schema)) return false;
  if (typeof schema.pattern === 'string' && schema.pattern !== '') return true;
  if (typeof schema.minLength === 'number' && schema.minLength >= 1) return true;
  return Array.isArray(schema.allOf) && schema.allOf.some(constrains);
}

export default function pathParamConstrained(parameter) {
  if (!isObject(parameter) || parameter.in !== 'path') return [];
  if (constrains(parameter.schema)) return [];
  return [{ message: `path parameter "${parameter.name}" needs a schema pattern or minLength >= 1` }];
}
