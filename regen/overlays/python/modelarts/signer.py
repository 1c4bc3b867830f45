"""AK/SK request signing (SDK-HMAC-SHA256), the scheme of the Huawei Cloud API gateway.

A port of the TypeScript client's src/auth/canonical.ts and src/auth/signer.ts: the same
canonical request, byte for byte, so both pass the same published vectors and the emulator,
which verifies like the gateway, accepts both. Pure: ``sign_request`` reads a request and
returns the headers to set on it; the transport (modelarts.transport) calls it over the
exact URL, headers and body bytes it is about to send.
"""

import hashlib
import hmac
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

SIGNING_ALGORITHM = "SDK-HMAC-SHA256"
SDK_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_PAYLOAD_HASH = hashlib.sha256(b"").hexdigest()

_SDK_DATE = re.compile(r"^\d{8}T\d{6}Z$", re.ASCII)
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
_ESCAPE = re.compile(rb"%([0-9A-Fa-f]{2})")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HTTP_WHITESPACE = " \t\r\n"


class SigningError(ValueError):
    """The request cannot be signed as given (empty AK or SK, malformed X-Sdk-Date)."""


def format_sdk_date(when: datetime) -> str:
    """``YYYYMMDDTHHMMSSZ`` in UTC, the only form the gateway accepts in X-Sdk-Date."""
    if when.tzinfo is None:
        raise SigningError("the signing time must be timezone-aware (use datetime.now(timezone.utc))")
    return when.astimezone(timezone.utc).strftime(SDK_DATE_FORMAT)


def _is_sdk_date(value: str) -> bool:
    if not _SDK_DATE.match(value):
        return False
    try:
        datetime.strptime(value, SDK_DATE_FORMAT)
    except ValueError:
        return False
    return True


def _encode_bytes(data: bytes) -> str:
    return "".join(chr(b) if b in _UNRESERVED else "%%%02X" % b for b in data)


def _percent_decode(encoded: str) -> bytes:
    # Works on bytes, never fails: a "%" without two hex digits stays a literal "%", and
    # escapes that are not UTF-8 keep their bytes, exactly as the TypeScript signer does.
    return _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), encoded.encode("utf-8"))


def _reencode(encoded: str) -> str:
    return _encode_bytes(_percent_decode(encoded))


def canonical_uri(path: str) -> str:
    """Each segment decoded and re-encoded (unreserved set, uppercase hex), ending in "/"."""
    uri = "/".join(_reencode(segment) for segment in path.split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(query: str) -> str:
    """``k=v`` per value, "+" meaning space, sorted by encoded key, then encoded value."""
    if query.startswith("?"):
        query = query[1:]
    pairs = []
    for field in query.split("&"):
        if not field:
            continue
        key, _, value = field.partition("=")
        pairs.append((_reencode(key.replace("+", " ")), _reencode(value.replace("+", " "))))
    # Encoded strings are ASCII, so comparing them as str is byte order.
    pairs.sort()
    return "&".join(key + "=" + value for key, value in pairs)


def trim_header_value(value: str) -> str:
    """HTTP whitespace only, so the signed value is the value a server reads."""
    return value.strip(_HTTP_WHITESPACE)


def _host_of(parts) -> str:
    host = parts.hostname or ""
    if ":" in host:
        host = "[" + host + "]"
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host += ":" + str(port)
    return host


def canonical_request(method, path, query, headers, signed_headers, payload_hash) -> str:
    canonical_headers = "".join(name + ":" + headers.get(name, "") + "\n" for name in signed_headers)
    return "\n".join(
        [method, canonical_uri(path), canonical_query(query), canonical_headers, ";".join(signed_headers), payload_hash]
    )


def string_to_sign(sdk_date: str, canonical: str) -> str:
    return SIGNING_ALGORITHM + "\n" + sdk_date + "\n" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def sign_request(method, url, headers=None, body=None, *, ak, sk, security_token=None, now=None):
    """Headers to set on the request: ``X-Sdk-Date``, ``Authorization``, and
    ``X-Security-Token`` when the credentials carry one.

    Signed: every header given (names are case-insensitive; repeated names are joined with
    ", "), plus ``host`` from the URL unless given, ``x-sdk-date`` and ``x-security-token``.
    An ``Authorization`` header given is not signed, since the returned one replaces it.
    ``body`` is the exact payload: bytes, or str (sent as UTF-8), or None.
    """
    if not ak:
        raise SigningError("cannot sign: ak is empty")
    if not sk:
        raise SigningError("cannot sign: sk is empty")
    parts = urlsplit(url)
    collected = {}
    for name, value in (headers.items() if hasattr(headers, "items") else (headers or ())):
        key = name.lower()
        value = trim_header_value(str(value))
        collected[key] = value if key not in collected else collected[key] + ", " + value
    collected.pop("authorization", None)

    sdk_date = collected.get("x-sdk-date")
    if sdk_date is None:
        sdk_date = format_sdk_date(now or datetime.now(timezone.utc))
        collected["x-sdk-date"] = sdk_date
    elif not _is_sdk_date(sdk_date):
        # Caught here rather than as an opaque signature mismatch from the gateway.
        raise SigningError("X-Sdk-Date must be YYYYMMDDTHHMMSSZ (UTC), got %r" % sdk_date)
    collected.setdefault("host", _host_of(parts))
    if security_token:
        collected["x-security-token"] = security_token

    if body is None or body == b"" or body == "":
        payload_hash = EMPTY_PAYLOAD_HASH
    else:
        payload_hash = hashlib.sha256(body.encode("utf-8") if isinstance(body, str) else bytes(body)).hexdigest()
    signed_headers = sorted(collected)
    canonical = canonical_request(method, parts.path, parts.query, collected, signed_headers, payload_hash)
    signature = hmac.new(sk.encode("utf-8"), string_to_sign(sdk_date, canonical).encode("utf-8"), hashlib.sha256).hexdigest()

    added = {"X-Sdk-Date": sdk_date}
    if security_token:
        added["X-Security-Token"] = security_token
    added["Authorization"] = "%s Access=%s, SignedHeaders=%s, Signature=%s" % (
        SIGNING_ALGORITHM, ak, ";".join(signed_headers), signature)
    return added
