import { resolvedRoot } from '../lib/oas.js';

export default function singleDeclaredTag(operation, _options, context) {
  const tags = operation?.tags;
  const tagsPath = [...context.path, 'tags'];
  if (!Array.isArray(tags) || tags.length !== 1) {
    const count = Array.isArray(tags) ? tags.length : 0;
    return [{ message: `operation has ${count} tags, needs exactly 1`, path: tagsPath }];
  }
  const declared = (resolvedRoot(context).tags ?? []).map((tag) => tag?.name);
  if (!declared.includes(tags[0])) {
    return [{
      message: `tag "${tags[0]}" is not declared in the top-level tags (${declared.join(', ')})`,
      path: [...tagsPath, 0],
    }];
  }
  return [];
}
