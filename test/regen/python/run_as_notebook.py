"""Runs a Python file statement by statement as a notebook cell or the interactive interpreter
does: the value of each expression statement is shown (sys.displayhook), as the legacy SDK's
pages, written for ModelArts notebooks, expect. The file itself is run unchanged."""

import ast
import sys

path = sys.argv[1]
with open(path, encoding="utf-8") as handle:
    source = handle.read()
scope = {"__name__": "__main__", "__file__": path}
for statement in ast.parse(source, path).body:
    if isinstance(statement, ast.Expr):
        exec(compile(ast.Interactive([statement]), path, "single"), scope)
    else:
        exec(compile(ast.Module([statement], []), path, "exec"), scope)
