import { componentNameOf, isJsonMediaType, isObject, resolvedRoot } from '../lib/oas.js';

// 2xx JSON bodies must be a $ref to a named component schema, so that generated clients get a
// stable model name instead of an inline type named after the operation.
//
// How "is a $ref to a named component" is decided, in a ruleset that runs on the resolved
// document (there every $ref is already replaced by its target, and with `resolved: false`
// Spectral would show only the root file, whose paths are file refs):
//
// The ref resolver (@stoplight/json-ref-resolver, behind Spectral's DocumentInventory) resolves
// each target once and puts that same object at every place that refers to it. So the body
// schema of a response is a named component exactly when it *is* (===) one of the values of the
// resolved root's components.schemas:
//   - single file: `$ref: '#/components/schemas/X'` resolves to the object at
//     components.schemas.X;
//   - split spec: the path file's `$ref: ../components/schemas/X.yaml` and the root's
//     `components.schemas.X: {$ref: ./components/schemas/X.yaml}` resolve to the one parsed
//     document of X.yaml.
// An inline schema is a fresh object and fails; so does a ref to a schema file that the root
// does not list under components.schemas (the bundler would then have to invent a name), and a
// ref into a component's sub-schema.
//
// Rejected alternatives: deep equality against components.schemas would pass an inline copy of a
// component (which the bundler keeps inline); reading the unresolved path files through
// documentInventory.referencedDocuments / graph refMaps means re-implementing ref resolution
// and JSON-pointer encoding across files.
// If a resolver upgrade ever stopped sharing targets, this rule would fail loudly (every body
// would look inline) rather than pass silently: the clean fixtures in
// test/spectral/house-rules.test.ts, single-file and split, guard exactly that.

export default function namedResponseSchema(responses, _options, context) {
  if (!isObject(responses)) return [];
  const root = resolvedRoot(context);
  const results = [];
  for (const [code, response] of Object.entries(responses)) {
    if (!/^2(\d\d|XX)$/i.test(code) || !isObject(response?.content)) continue;
    for (const [mediaType, media] of Object.entries(response.content)) {
      if (!isJsonMediaType(mediaType) || !isObject(media?.schema)) continue;
      if (componentNameOf(root, 'schemas', media.schema) !== null) continue;
      // Reported on the media type, not on `schema`: Spectral maps a path that runs through a
      // $ref into the referenced file, which for an unlisted schema file is the schema file
      // itself, while the fix belongs where the `schema:` key is written.
      results.push({
        message: `response ${code} ${mediaType} schema is not a $ref to a schema listed under the root components.schemas`,
        path: [...context.path, code, 'content', mediaType],
      });
    }
  }
  return results;
}
