import { isObject, resolvedRoot } from '../lib/oas.js';

// Replaces spectral:oas's oas3-unused-component, which only counts `#/components/...` pointers
// as uses. In the split layout the path files ref component *files*, so it would flag every
// component. Here a component is used when its resolved object is reachable from `paths`
// (the resolver shares one object per target; see namedResponseSchema.js). Components reachable
// only through other unused components count as unused too. A schema named only in a
// discriminator mapping string is not seen as used (the spec has none).

const TYPES = ['schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'links', 'callbacks'];

function reachable(start) {
  const seen = new Set();
  const stack = [start];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    for (const child of Object.values(node)) stack.push(child);
  }
  return seen;
}

export default function unusedComponent(_root, _options, context) {
  const root = resolvedRoot(context);
  if (!isObject(root.components)) return [];
  const used = reachable(root.paths);
  const results = [];
  for (const type of TYPES) {
    const section = root.components[type];
    if (!isObject(section)) continue;
    for (const [name, value] of Object.entries(section)) {
      if (isObject(value) && !used.has(value)) {
        results.push({ message: `components.${type}.${name} is not used by any path`, path: ['components', type, name] });
      }
    }
  }
  return results;
}
