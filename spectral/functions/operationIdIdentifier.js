// operationIds are the legacy Python SDK method names, and generators turn them into method and
// function names in Python, Go and TypeScript. A name that is a reserved word in one of them gets
// silently renamed by the generator (or breaks compilation), so the "same name everywhere"
// promise breaks. Lists checked against Python's `keyword.kwlist` (unchanged since 3.7), Go's
// go/token keywords, and what V8 refuses as a strict-mode or async-context binding name
// (TypeScript reserves the same words for identifiers).

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

// Hard keywords only. Soft keywords (match, case, type, _) are deliberately allowed: they are
// keywords only at the start of a match/type statement and stay legal as `def match(self)`,
// `client.match()` and `match = 1` in every Python 3 version, so rejecting them would forbid
// valid names for no breakage. (`_` cannot pass SNAKE_CASE anyway.)
const PYTHON = [
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue',
  'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in',
  'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with',
  'yield',
];

// Predeclared identifiers (nil, string, len, ...) are not keywords and may be shadowed, so they
// are not listed.
const GO = [
  'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for',
  'func', 'go', 'goto', 'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select',
  'struct', 'switch', 'type', 'var',
];

const JAVASCRIPT = [
  // ReservedWord (always reserved)
  'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete',
  'do', 'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import',
  'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try',
  'typeof', 'var', 'void', 'while', 'with', 'yield',
  // Reserved in strict mode, which is all ES module and class code (this package is ESM).
  'implements', 'interface', 'let', 'package', 'private', 'protected', 'public', 'static',
  // Not reserved, but a strict-mode SyntaxError as a function or variable name.
  'arguments', 'eval',
  // A class method with this name becomes the constructor of a generated client class.
  'constructor',
];

const RESERVED = new Map();
for (const [language, words] of [['Python', PYTHON], ['Go', GO], ['TypeScript/JavaScript', JAVASCRIPT]]) {
  for (const word of words) RESERVED.set(word, [...(RESERVED.get(word) ?? []), language]);
}

export default function operationIdIdentifier(operationId) {
  if (typeof operationId !== 'string') return [];
  if (!SNAKE_CASE.test(operationId)) {
    return [{ message: `"${operationId}" is not snake_case (${SNAKE_CASE.source})` }];
  }
  const languages = RESERVED.get(operationId);
  if (languages !== undefined) {
    return [{ message: `"${operationId}" is a reserved word in ${languages.join(', ')}` }];
  }
  return [];
}
