"""Print the public surface of an openapi-generator Python client as JSON.

Usage: python3 python-surface.py <package dir>   (the folder holding api/ and models/)

Methods: every public method of the api/*.py classes, except the generator's
`*_with_http_info` / `*_without_preload_content` twins (same parameters) and the
underscore options every method has. Models: every field of the models/*.py classes.
`description=` and `json_schema_extra=` (examples) arguments are dropped from the annotations: they are documentation, and a
reworded description must not read as a signature change.
"""
import ast
import json
import pathlib
import sys


class DropDescriptions(ast.NodeTransformer):
    def visit_Call(self, node):
        self.generic_visit(node)
        node.keywords = [k for k in node.keywords if k.arg not in ("description", "json_schema_extra")]
        return node


def annotation(node):
    if node is None:
        return ""
    return ast.unparse(DropDescriptions().visit(node))


def methods(package):
    out = {}
    for file in sorted((package / "api").glob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
            for fn in [n for n in cls.body if isinstance(n, ast.FunctionDef)]:
                name = fn.name
                if name.startswith("_") or name.endswith("_with_http_info") or name.endswith("_without_preload_content"):
                    continue
                args = fn.args.args[1:]  # self
                defaults = [None] * (len(args) - len(fn.args.defaults)) + list(fn.args.defaults)
                params = []
                for arg, default in zip(args, defaults):
                    if arg.arg.startswith("_"):
                        continue
                    text = f"{arg.arg}: {annotation(arg.annotation)}"
                    if default is not None:
                        text += f" = {ast.unparse(default)}"
                    params.append(text)
                out[f"{cls.name}.{name}"] = f"{name}({', '.join(params)}) -> {annotation(fn.returns)}"
    return out


def models(package):
    out = {}
    for file in sorted((package / "models").glob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
            # Enum sets and patterns live in the generated field validators, not in the annotations.
            for fn in [n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name.endswith(("_validate_enum", "_validate_regular_expression"))]:
                checks = [ast.unparse(n.test) for n in ast.walk(fn) if isinstance(n, ast.If)]
                out[f"{cls.name}.{fn.name}"] = "; ".join(checks)
            for field in [n for n in cls.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)]:
                name = field.target.id
                if name.startswith("_") or name == "model_config":
                    continue
                text = f"{name}: {annotation(field.annotation)}"
                if field.value is not None:
                    text += f" = {annotation(field.value)}"
                out[f"{cls.name}.{name}"] = text
    return out


if __name__ == "__main__":
    package = pathlib.Path(sys.argv[1])
    json.dump({"methods": methods(package), "models": models(package)}, sys.stdout, indent=1, sort_keys=True)
