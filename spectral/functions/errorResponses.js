import { createRulesetFunction } from '@stoplight/spectral-core';
import { componentNameOf, isObject, resolvedRoot } from '../lib/oas.js';

// Clients decode every error body into one model (error_code/error_msg, as ModelArts and the API
// gateway both send), so an error response that points anywhere else is an untyped hole.
// mode "require-4xx": the operation has at least one 4xx response using the shared schema.
// mode "every": every 4xx, 5xx and `default` response uses it.

const CLIENT_ERROR = /^4(\d\d|XX)$/i;
const ANY_ERROR = /^[45](\d\d|XX)$|^default$/i;

function usesShared(response, schemaName, root) {
  const schema = response?.content?.['application/json']?.schema;
  return componentNameOf(root, 'schemas', schema) === schemaName;
}

function errorResponses(operation, options, context) {
  const { schemaName, mode } = options;
  const root = resolvedRoot(context);
  const responses = isObject(operation?.responses) ? operation.responses : {};
  const responsesPath = [...context.path, 'responses'];

  if (!isObject(root.components?.schemas?.[schemaName])) {
    return [{ message: `components.schemas.${schemaName} is not defined`, path: responsesPath }];
  }

  if (mode === 'require-4xx') {
    const ok = Object.entries(responses)
      .some(([code, response]) => CLIENT_ERROR.test(code) && usesShared(response, schemaName, root));
    return ok ? [] : [{ message: `no 4xx response with application/json schema ${schemaName}`, path: responsesPath }];
  }

  const results = [];
  for (const [code, response] of Object.entries(responses)) {
    if (!ANY_ERROR.test(code) || usesShared(response, schemaName, root)) continue;
    // Not the `schema` path: Spectral maps a path through a $ref into the referenced file, which
    // would blame the wrong schema's file instead of the response that points at it.
    const path = isObject(response?.content?.['application/json'])
      ? [...responsesPath, code, 'content', 'application/json']
      : [...responsesPath, code];
    results.push({ message: `response ${code} must have application/json schema ${schemaName}`, path });
  }
  return results;
}

// Declared options make a typo in .spectral.yaml fail at ruleset load instead of checking nothing.
export default createRulesetFunction(
  {
    input: null,
    options: {
      type: 'object',
      additionalProperties: false,
      required: ['schemaName', 'mode'],
      properties: {
        schemaName: { type: 'string', minLength: 1 },
        mode: { enum: ['require-4xx', 'every'] },
      },
    },
  },
  errorResponses,
);
