"""Authentication at the last moment, in the urllib3 layer the generated client sends through.

The generated ``RESTClientObject`` serialises the body and hands method, URL, headers and
body to its ``pool_manager``. ``AuthenticatingPoolManager`` takes that place: every request
reaches ``urlopen`` with its final URL and body, which it signs (AK/SK) or stamps with the
token, and then passes on. Redirects are not followed: the pool would carry X-Auth-Token and
X-Security-Token to whatever host a 3xx names, so a 3xx comes back as an error answer.
"""

from urllib3.util import parse_url

try:  # urllib3 2.x
    from urllib3._request_methods import RequestMethods
except ImportError:  # pragma: no cover - urllib3 1.26
    from urllib3.request import RequestMethods

from .signer import sign_request

# Only these request headers are signed (besides host, x-sdk-date and x-security-token, which
# the signer adds), as in the TypeScript client: a proxy that rewrites User-Agent must not
# break the signature, while the content type and the project travel protected.
SIGNED_REQUEST_HEADERS = ("content-type", "x-project-id")


class AuthenticatingPoolManager(RequestMethods):
    """Wraps a urllib3 PoolManager (or ProxyManager): same interface, every request authenticated."""

    def __init__(self, inner, credentials):
        super().__init__(headers=getattr(inner, "headers", None))
        self._inner = inner
        self._credentials = credentials

    def __repr__(self):
        return "AuthenticatingPoolManager(%r, %r)" % (self._inner, self._credentials)

    def urlopen(self, method, url, body=None, headers=None, **kw):
        # The URL as urllib3 itself will normalise it (escapes upper-cased, invalid characters
        # encoded, dot segments removed), so the signed path and query are the ones sent.
        url = parse_url(url).url
        headers = dict(headers or {})
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif body is not None and not isinstance(body, (bytes, bytearray)):
            raise TypeError("cannot authenticate a streamed request body (%s); pass bytes" % type(body).__name__)
        creds = self._credentials
        if creds.token is not None:
            headers["X-Auth-Token"] = creds.token.reveal()
        else:
            to_sign = {name: value for name, value in headers.items() if name.lower() in SIGNED_REQUEST_HEADERS}
            signature = sign_request(
                method, url, to_sign, body,
                ak=creds.ak, sk=creds.sk.reveal(),
                security_token=creds.security_token.reveal() if creds.security_token else None,
            )
            for name in list(headers):
                if name.lower() in ("authorization", "x-sdk-date", "x-security-token"):
                    del headers[name]
            headers.update(signature)
        kw["redirect"] = False
        return self._inner.urlopen(method, url, body=body, headers=headers, **kw)

    def clear(self):
        self._inner.clear()

    def __getattr__(self, name):
        # Anything else (connection_from_url, pools, ...) is the wrapped manager's.
        return getattr(self._inner, name)
