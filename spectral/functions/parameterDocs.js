import { isObject } from '../lib/oas.js';

function hasExample(parameter) {
  if (parameter.example !== undefined) return true;
  if (isObject(parameter.examples) && Object.keys(parameter.examples).length > 0) return true;
  if (parameter.schema?.example !== undefined) return true;
  return isObject(parameter.content)
    && Object.values(parameter.content).some((media) => media?.example !== undefined);
}

export default function parameterDocs(parameter) {
  if (!isObject(parameter) || typeof parameter.in !== 'string') return [];
  const missing = [];
  if (typeof parameter.description !== 'string' || parameter.description.trim() === '') missing.push('a description');
  if (!hasExample(parameter)) missing.push('an example (on the parameter or its schema)');
  return missing.length === 0 ? [] : [{ message: `parameter "${parameter.name}" needs ${missing.join(' and ')}` }];
}
