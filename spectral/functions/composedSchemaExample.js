import { oas } from '@stoplight/spectral-rulesets';

// Runs spectral:oas's own example validator (the function behind oas3-valid-schema-example)
// on the schemas that rule's filter skips: allOf/anyOf/oneOf wrappers with no type, properties or
// items of their own. That is exactly how object-valued properties carry their example here
// (`allOf: [{$ref}]` plus description/example), so without this their examples go unchecked.
const stock = oas.rules['oas3-valid-schema-example'].then;

export default function composedSchemaExample(schema, _options, context) {
  return stock.function(schema, stock.functionOptions, context);
}
