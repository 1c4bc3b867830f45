"""Signs each case of a JSON list (stdin) with the overlay's signer and, unless --overlay-only,
with the official huaweicloudsdkcore signer; prints one JSON list of
{"overlay": <Authorization>, "official": <Authorization>} in the same order.

Used by test/regen/python-signer.test.ts; PYTHONPATH must hold regen/overlays/python.
"""

import json
import sys

from modelarts.signer import sign_request


def official(case):
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer

    class Keys:
        ak = case["ak"]
        sk = case["sk"]

    headers = dict(case["headers"])
    if case.get("security_token"):
        headers["X-Security-Token"] = case["security_token"]
    request = SdkRequest(
        method=case["method"],
        schema="https",
        host=case["host"],
        resource_path=case["path"],
        query_params=[tuple(pair) for pair in case["query"]],
        header_params=headers,
        body=case["body"].encode("utf-8") if case["body"] else "",
    )
    return Signer(Keys).sign(request).header_params["Authorization"]


def main():
    overlay_only = "--overlay-only" in sys.argv
    cases = json.load(sys.stdin)
    out = []
    for case in cases:
        added = sign_request(case["method"], case["url"], case["headers"], case["body"] or None,
                             ak=case["ak"], sk=case["sk"], security_token=case.get("security_token"))
        out.append({"overlay": added["Authorization"], "official": None if overlay_only else official(case)})
    json.dump(out, sys.stdout)


main()
