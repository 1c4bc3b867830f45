import { schemaProperties } from '../lib/oas.js';

// The same component is reached from components.schemas and from every place that references
// it; Spectral maps each finding back to its source location and drops the duplicates, as long
// as the message does not depend on where the walk started (so it names only the property).
export default function propertyDocs(schema, _options, context) {
  const results = [];
  for (const { name, schema: property, path } of schemaProperties(schema, context.path)) {
    const missing = [];
    if (typeof property.description !== 'string' || property.description.trim() === '') missing.push('a description');
    if (property.example === undefined) missing.push('an example');
    if (missing.length > 0) results.push({ message: `property "${name}" needs ${missing.join(' and ')}`, path });
  }
  return results;
}
