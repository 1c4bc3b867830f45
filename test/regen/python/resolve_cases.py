"""Resolves each case of a JSON list (stdin) with modelarts.config.resolve_context and prints,
per case, the resolved fields or the error's fields, and the warnings given. HOME is set per
case, as the default config path depends on it. PYTHONPATH must hold regen/overlays/python.
"""

import json
import os
import sys
import warnings

from modelarts.config import resolve_context
from modelarts.errors import ModelArtsConfigError


def resolve(case):
    os.environ["HOME"] = case["home"]
    options = case.get("options", {})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            r = resolve_context(env=case.get("env", {}), **options)
            outcome = {"ok": {
                "endpoint": r.endpoint, "region": r.region, "project_id": r.project_id, "context": r.context,
                "config_file": r.config_file, "credentials": {"kind": r.credentials.kind, "ak": r.credentials.ak},
                "sources": r.sources,
                "repr": repr(r),
            }}
        except ModelArtsConfigError as error:
            outcome = {"error": {"message": str(error), "field": error.field, "context": error.context, "file": error.file,
                                 "available_contexts": error.available_contexts, "repr": repr(error)}}
    outcome["warnings"] = [str(w.message) for w in caught]
    return outcome


json.dump([resolve(case) for case in json.load(sys.stdin)], sys.stdout)
