"""Contexts of ``~/.modelarts/config.yaml`` and ``create_client``, as the legacy SDK called it.

The same file, keys and precedence as the TypeScript client (src/config/): field by field,
explicit arguments, then the environment, then the chosen context of the file.

- context: ``context=``, else ``MODELARTS_CONTEXT``, else the file's ``current-context``;
- file: ``config_file=``, else ``MODELARTS_CONFIG``, else ``~/.modelarts/config.yaml``;
- credentials: ``credentials=`` (``{"ak", "sk", "security_token"?}`` or ``{"token"}``), else
  ``HUAWEICLOUD_SDK_AK`` + ``HUAWEICLOUD_SDK_SK`` (+ ``HUAWEICLOUD_SDK_SECURITY_TOKEN``), else the context's;
- project: ``project_id=``, else ``HUAWEICLOUD_SDK_PROJECT_ID``, else the context's ``project_id``;
- endpoint: ``endpoint=``, else ``region=``'s endpoint, else ``MODELARTS_ENDPOINT`` / ``MODELARTS_REGION``,
  else the context's ``endpoint``, else its region's ``https://modelarts.{region}.myhuaweicloud.com``.

With an endpoint (or region) and credentials from arguments or environment, no file is read.
Errors name the file, line, context and field, never a secret.
"""

import os
import re
import stat
import warnings
from urllib.parse import urlsplit

from .errors import ModelArtsConfigError

ENV = {
    "config_file": "MODELARTS_CONFIG",
    "context": "MODELARTS_CONTEXT",
    "endpoint": "MODELARTS_ENDPOINT",
    "region": "MODELARTS_REGION",
    "ak": "HUAWEICLOUD_SDK_AK",
    "sk": "HUAWEICLOUD_SDK_SK",
    "security_token": "HUAWEICLOUD_SDK_SECURITY_TOKEN",
    "project_id": "HUAWEICLOUD_SDK_PROJECT_ID",
}

TOP_LEVEL_KEYS = ("current-context", "contexts")
CONTEXT_KEYS = ("name", "region", "project_id", "endpoint", "credentials")
CREDENTIAL_KEYS = ("ak", "sk", "security_token", "token")

_REGION = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The spec's ProjectId pattern (spec/components/parameters/ProjectId.yaml).
_PROJECT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


class ConfigWarning(UserWarning):
    """A config file readable by others, unknown keys, half of an AK/SK pair in the environment."""


class Secret:
    """A secret string that does not show itself in repr, str or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value):
        self._value = value

    def reveal(self):
        return self._value

    def __repr__(self):
        return "[REDACTED]"

    __str__ = __repr__

    def __bool__(self):
        return bool(self._value)

    def __eq__(self, other):
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self):
        return hash(self._value)


class Credentials:
    """AK/SK (with an optional security token) or an IAM token; secrets held as ``Secret``."""

    __slots__ = ("ak", "sk", "security_token", "token")

    def __init__(self, ak=None, sk=None, security_token=None, token=None):
        self.ak = ak
        self.sk = Secret(sk) if isinstance(sk, str) else sk
        self.security_token = Secret(security_token) if isinstance(security_token, str) else security_token
        self.token = Secret(token) if isinstance(token, str) else token

    @property
    def kind(self):
        return "token" if self.token is not None else "aksk"

    def __repr__(self):
        if self.token is not None:
            return "Credentials(token=[REDACTED])"
        extra = ", security_token=[REDACTED]" if self.security_token else ""
        return "Credentials(ak=%r, sk=[REDACTED]%s)" % (self.ak, extra)


class ResolvedConfig:
    """Where a client sends its requests, as whom, and where each came from (no secrets in repr)."""

    def __init__(self, endpoint, credentials, region=None, project_id=None, context=None, config_file=None, sources=None):
        self.endpoint = endpoint
        self.credentials = credentials
        self.region = region
        self.project_id = project_id
        self.context = context
        self.config_file = config_file
        self.sources = sources or {}

    def __repr__(self):
        return "ResolvedConfig(endpoint=%r, project_id=%r, context=%r, config_file=%r, credentials=%r)" % (
            self.endpoint, self.project_id, self.context, self.config_file, self.credentials)


# ---- checks shared by the three sources; problems never quote a value that may be a secret ----

def _describe_type(value):
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a %s" % type(value).__name__


def _refused(value, allowed):
    size = "the value (%d character%s, not shown)" % (len(value), "" if len(value) == 1 else "s")
    for index, char in enumerate(value):
        if not allowed.match(char):
            return "%s has a character that is not allowed at position %d" % (size, index + 1)
    return "%s does not match" % size


def _region_problem(region):
    if _REGION.match(region):
        return None
    return 'must be a region id such as "cn-north-4"; ' + _refused(region, re.compile(r"[a-z0-9-]"))


def _project_id_problem(project_id):
    if _PROJECT_ID.match(project_id):
        return None
    return "must match %s (a project id such as \"cc0f0990a56f4b8c9d41c85e79cc511c\"); %s" % (
        _PROJECT_ID.pattern, _refused(project_id, re.compile(r"[A-Za-z0-9-]")))


_NOT_AN_ENDPOINT = ('must be an http(s) URL such as "https://modelarts.cn-north-4.myhuaweicloud.com"; '
                    "the value (not shown, as it may hold a secret) is not one")


def _endpoint_problem(value):
    """(endpoint without trailing slash, None) or (None, problem)."""
    try:
        parts = urlsplit(value)
        port = parts.port  # raises on a malformed port
    except ValueError:
        return None, _NOT_AN_ENDPOINT
    if re.search(r"\s", value) or parts.scheme not in ("http", "https") or not parts.hostname:
        return None, _NOT_AN_ENDPOINT
    # Origin and path as WHATWG URL gives them: host lowercased, the scheme's default port left out.
    host = parts.hostname if ":" not in parts.hostname else "[%s]" % parts.hostname
    origin = "%s://%s%s" % (parts.scheme, host, "" if port in (None, {"http": 80, "https": 443}[parts.scheme]) else ":%d" % port)
    if parts.username is not None or parts.password is not None or parts.query or parts.fragment:
        return None, 'must be "%s" without user info, query or fragment (not shown, as they may hold a secret)' % (origin + (parts.path or "/"))
    return "%s://%s%s" % (parts.scheme, parts.netloc, parts.path.rstrip("/")), None


def endpoint_for_region(region):
    return "https://modelarts.%s.myhuaweicloud.com" % region


class _Place:
    """A map being read and how to word a problem in it."""

    def __init__(self, fail, empty_is_unset=False, type_hint=None):
        self.fail = fail
        self.empty_is_unset = empty_is_unset
        self.type_hint = type_hint

    def string(self, mapping, key):
        value = mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            hint = self.type_hint(value) if self.type_hint else ""
            raise self.fail(key, "must be a string, found %s%s" % (_describe_type(value), hint))
        if value == "":
            if self.empty_is_unset:
                return None
            raise self.fail(key, "must not be empty")
        return value

    def checked(self, mapping, key, problem_of):
        value = self.string(mapping, key)
        problem = None if value is None else problem_of(value)
        if problem:
            raise self.fail(key, problem)
        return value

    def endpoint(self, mapping, key):
        value = self.string(mapping, key)
        if value is None:
            return None
        endpoint, problem = _endpoint_problem(value)
        if problem:
            raise self.fail(key, problem)
        return endpoint


class _Layer:
    def __init__(self, source, endpoint=None, region=None, project_id=None, credentials=None):
        self.source = source
        self.endpoint = endpoint
        self.region = region
        self.project_id = project_id
        self.credentials = credentials


# ---- arguments ----

def _option_error(field, problem):
    return ModelArtsConfigError("invalid option %s: %s" % (field, problem), field=field)


def _credentials_argument(value):
    if value is None:
        return None
    if isinstance(value, Credentials):
        return value
    if not isinstance(value, dict):
        raise _option_error("credentials", "must be {\"ak\", \"sk\"} or {\"token\"}, found %s" % _describe_type(value))
    inside = _Place(lambda key, problem: _option_error("credentials.%s" % key, problem))
    unknown = sorted(set(value) - set(CREDENTIAL_KEYS))
    if unknown:
        raise _option_error("credentials", "%d unknown key(s); known keys: %s" % (len(unknown), ", ".join(CREDENTIAL_KEYS)))
    return _credentials_from(value, inside, lambda field, why: _option_error(field, why))


def _credentials_from(mapping, place, fail):
    ak = place.string(mapping, "ak")
    sk = place.string(mapping, "sk")
    security_token = place.string(mapping, "security_token")
    token = place.string(mapping, "token")
    if token is not None:
        if ak is not None or sk is not None:
            raise fail("credentials.token", "cannot be combined with credentials.ak and credentials.sk; keep either ak/sk or token")
        if security_token is not None:
            raise fail("credentials.security_token", "goes with ak and sk (temporary credentials), not with token")
        return Credentials(token=token)
    if ak is None and sk is None:
        raise fail("credentials.ak", "is missing: credentials needs ak and sk, or token")
    if ak is None:
        raise fail("credentials.ak", "is missing: credentials.sk is set, and AK and SK go together")
    if sk is None:
        raise fail("credentials.sk", "is missing: credentials.ak is set, and AK and SK go together")
    return Credentials(ak=ak, sk=sk, security_token=security_token)


# ---- environment ----

def _read_env(env, warn_about_credentials):
    place = _Place(lambda name, problem: ModelArtsConfigError("invalid environment variable %s: %s" % (name, problem), field=name),
                   empty_is_unset=True)
    ak = place.string(env, ENV["ak"])
    sk = place.string(env, ENV["sk"])
    credentials = None
    if ak is not None and sk is not None:
        # A security token belongs to the AK/SK it was issued with: only taken with the pair.
        credentials = Credentials(ak=ak, sk=sk, security_token=place.string(env, ENV["security_token"]))
    elif (ak is not None or sk is not None) and warn_about_credentials:
        given, missing = (ENV["ak"], ENV["sk"]) if ak is not None else (ENV["sk"], ENV["ak"])
        warnings.warn("%s is set but %s is not; both are ignored, as they only count as a pair" % (given, missing), ConfigWarning, stacklevel=4)
    layer = _Layer(
        "env",
        region=place.checked(env, ENV["region"], _region_problem),
        endpoint=place.endpoint(env, ENV["endpoint"]),
        project_id=place.checked(env, ENV["project_id"], _project_id_problem),
        credentials=credentials,
    )
    return layer, place.string(env, ENV["context"]), place.string(env, ENV["config_file"])


# ---- the file ----

def home_config_path(home=None):
    return os.path.join(home or os.path.expanduser("~"), ".modelarts", "config.yaml")


def _expand(path):
    return os.path.abspath(os.path.expanduser(path))


def _yaml_loader():
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise yaml.constructor.ConstructorError(None, None, "a key appears twice in the same mapping", key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return yaml, UniqueKeyLoader


def _parse_yaml(path, text):
    yaml, loader = _yaml_loader()
    lines = {}

    # Line numbers of the nodes, for messages: composed first, then constructed.
    try:
        node = yaml.compose(text, Loader=loader)
        raw = loader(text).get_single_data() if node is not None else None
    except yaml.YAMLError as error:
        # PyYAML's own message quotes the source line, which may hold a secret: only the
        # position and the kind of problem are kept.
        mark = getattr(error, "problem_mark", None)
        where = "%s:%d:%d" % (path, mark.line + 1, mark.column + 1) if mark is not None else path
        problem = getattr(error, "problem", None) or "syntax error"
        if "found character" in problem or "cannot start any token" in problem:
            problem = "a plain value cannot start with this character, or a tab indents (put the value in quotes; indent with spaces)"
        raise ModelArtsConfigError("%s: invalid YAML: %s" % (where, problem.split("\n")[0]), file=path) from None
    if node is not None:
        _index_lines(node, (), lines)
    return raw, lines


def _index_lines(node, path, lines):
    lines[path] = node.start_mark.line + 1
    if node.id == "mapping":
        for key_node, value_node in node.value:
            if key_node.id == "scalar":
                _index_lines(value_node, path + (key_node.value,), lines)
    elif node.id == "sequence":
        for index, item in enumerate(node.value):
            _index_lines(item, path + (index,), lines)


def _check_file(path, raw, lines):
    def at(yaml_path):
        line = lines.get(tuple(yaml_path))
        return "%s:%d: " % (path, line) if line else "%s: " % path

    if not isinstance(raw, dict):
        raise ModelArtsConfigError('%s must be a mapping with "current-context:" and "contexts:" at the top level, found %s'
                                   % (path, _describe_type(raw)), file=path)
    _warn_unknown(raw, TOP_LEVEL_KEYS, at(()), "", True)
    contexts = raw.get("contexts")
    if contexts is None:
        raise ModelArtsConfigError('%s"contexts:" is missing; it should list the contexts, each with a name' % at(()), file=path, field="contexts")
    if not isinstance(contexts, list):
        raise ModelArtsConfigError("%scontexts must be a list of contexts, found %s" % (at(("contexts",)), _describe_type(contexts)),
                                   file=path, field="contexts")
    available = [c["name"] for c in contexts if isinstance(c, dict) and isinstance(c.get("name"), str)]

    def quoting_hint(value):
        # YAML reads 0123 as a number and yes as a boolean: quoting is the usual fix.
        return " (put the value in quotes)" if isinstance(value, (int, float, bool)) else ""

    def place(yaml_path, label, context, prefix=""):
        def fail(key, problem):
            return ModelArtsConfigError("%s%s%s%s %s" % (at(tuple(yaml_path) + (key,)) if lines.get(tuple(yaml_path) + (key,)) else at(yaml_path),
                                                        label, prefix, key, problem),
                                        file=path, context=context, field=prefix + key, available_contexts=available)
        return _Place(fail, type_hint=quoting_hint)

    current = place((), "", None).string(raw, "current-context")
    checked = []
    for index, entry in enumerate(contexts):
        yaml_path = ("contexts", index)
        if not isinstance(entry, dict):
            raise ModelArtsConfigError("%scontexts[%d] must be a mapping with a name, found %s" % (at(yaml_path), index, _describe_type(entry)),
                                       file=path, field="contexts[%d]" % index, available_contexts=available)
        name = place(yaml_path, "contexts[%d]: " % index, None).string(entry, "name")
        if name is None:
            raise ModelArtsConfigError("%scontexts[%d]: name is missing: every context needs a name" % (at(yaml_path), index),
                                       file=path, field="name", available_contexts=available)
        if any(c["name"] == name for c in checked):
            raise ModelArtsConfigError('%scontext "%s": name is used by an earlier context too; context names must be unique'
                                       % (at(yaml_path), name), file=path, context=name, field="name", available_contexts=available)
        label = 'context "%s": ' % name
        _warn_unknown(entry, CONTEXT_KEYS, at(yaml_path), label, True)
        here = place(yaml_path, label, name)
        context = {
            "name": name,
            "region": here.checked(entry, "region", _region_problem),
            "project_id": here.checked(entry, "project_id", _project_id_problem),
            "endpoint": here.endpoint(entry, "endpoint"),
            "credentials": None,
        }
        raw_credentials = entry.get("credentials")
        # An empty "credentials:" is how people comment a block out; it means "not set here".
        if raw_credentials is not None:
            cred_path = yaml_path + ("credentials",)
            if not isinstance(raw_credentials, dict):
                raise here.fail("credentials", "must be a mapping with ak and sk, or token, found %s" % _describe_type(raw_credentials))
            # Key names inside credentials are not echoed: a mistyped line there may hold a secret.
            _warn_unknown(raw_credentials, CREDENTIAL_KEYS, at(cred_path), label, False)
            inside = place(cred_path, label, name, "credentials.")

            def fail(field, why, _cred_path=cred_path, _name=name):
                return ModelArtsConfigError("%s%s%s %s" % (at(_cred_path), label, field, why), file=path, context=_name, field=field,
                                            available_contexts=available)
            context["credentials"] = _credentials_from(raw_credentials, inside, fail)
        checked.append(context)
    return {"path": path, "current_context": current, "contexts": checked}


def _warn_unknown(mapping, known, at, label, echo_names):
    unknown = [key for key in mapping if key not in known]
    if not unknown:
        return
    noun = "key" if len(unknown) == 1 else "keys"
    what = ("unknown %s %s" % (noun, ", ".join('"%s"' % k for k in unknown)) if echo_names
            else "%d unknown %s in credentials" % (len(unknown), noun))
    warnings.warn("%s%s%s ignored; known keys: %s" % (at, label, what, ", ".join(known)), ConfigWarning, stacklevel=5)


def load_config_file(path):
    """The parsed, shape-checked file at ``path``, or None when there is no such file."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ModelArtsConfigError("cannot read config file %s: it is a directory" % path, file=path) from None
    except PermissionError:
        raise ModelArtsConfigError("cannot read config file %s: permission denied" % path, file=path) from None
    except OSError as error:
        raise ModelArtsConfigError("cannot read config file %s: %s" % (path, error.strerror or "unknown error"), file=path) from None
    raw, lines = _parse_yaml(path, text)
    checked = _check_file(path, raw, lines)
    if os.name == "posix" and any(c["credentials"] is not None for c in checked["contexts"]):
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            warnings.warn("permissions %04o for '%s' are too open; it holds credentials: chmod 600 %s" % (mode, path, path),
                          ConfigWarning, stacklevel=3)
    return checked


# ---- resolution ----

_HOW_TO_GIVE = {
    "endpoint": "option endpoint or region, or %s or %s" % (ENV["endpoint"], ENV["region"]),
    "credentials": "option credentials, or %s and %s" % (ENV["ak"], ENV["sk"]),
}
_YAML_FIELD = {"endpoint": "region", "credentials": "credentials"}


def _pick_endpoint(layers):
    for layer in layers:
        if layer.endpoint is not None:
            return layer.endpoint, layer.source
        if layer.region is not None:
            return endpoint_for_region(layer.region), layer.source
    return None


def resolve_context(context=None, config_file=None, region=None, endpoint=None, project_id=None, credentials=None, env=None):
    """Endpoint, credentials and project of a client, from arguments, environment and file."""
    env = os.environ if env is None else env
    top = _Place(_option_error)
    options = _Layer(
        "options",
        region=top.checked({"region": region}, "region", _region_problem),
        endpoint=top.endpoint({"endpoint": endpoint}, "endpoint"),
        project_id=top.checked({"project_id": project_id}, "project_id", _project_id_problem),
        credentials=_credentials_argument(credentials),
    )
    context = top.string({"context": context}, "context")
    config_file = top.string({"config_file": config_file}, "config_file")
    env_layer, env_context, env_file = _read_env(env, options.credentials is None)
    layers = [options, env_layer]
    named_context = (context, "option context", "context") if context is not None else \
        (env_context, ENV["context"], ENV["context"]) if env_context is not None else None
    named_file = (config_file, "option config_file", "config_file") if config_file is not None else \
        (env_file, ENV["config_file"], ENV["config_file"]) if env_file is not None else None
    missing = [field for field, present in (("endpoint", _pick_endpoint(layers) is not None),
                                            ("credentials", any(l.credentials is not None for l in layers))) if not present]
    if not missing and named_context is None and named_file is None:
        return _assemble(layers)

    path = _expand(named_file[0]) if named_file else home_config_path()
    loaded = load_config_file(path)
    if loaded is None:
        if named_file:
            raise ModelArtsConfigError("config file %s (named by %s) does not exist" % (path, named_file[1]), file=path, field=named_file[2])
        if named_context:
            raise ModelArtsConfigError('config file %s does not exist, but context "%s" was named by %s' % (path, named_context[0], named_context[1]),
                                       file=path, context=named_context[0])
        gaps = " and no ".join("%s (%s)" % (field, _HOW_TO_GIVE[field]) for field in missing)
        raise ModelArtsConfigError("no config file at %s, and options and environment give no %s" % (path, gaps), file=path,
                                   field=_YAML_FIELD[missing[0]])
    chosen = _select_context(loaded, named_context, bool(missing))
    if chosen is not None:
        layers.append(_Layer("file", endpoint=chosen["endpoint"], region=chosen["region"], project_id=chosen["project_id"],
                             credentials=chosen["credentials"]))
    return _assemble(layers, loaded, chosen)


def _select_context(loaded, named, required):
    name = named[0] if named else loaded["current_context"]
    available = [c["name"] for c in loaded["contexts"]]
    listed = ", ".join(available) or "none"
    if name is None:
        if not required:
            return None
        raise ModelArtsConfigError("no context chosen: %s has no current-context, and neither option context nor %s names one; contexts defined: %s"
                                   % (loaded["path"], ENV["context"], listed), file=loaded["path"], field="current-context",
                                   available_contexts=available)
    for candidate in loaded["contexts"]:
        if candidate["name"] == name:
            return candidate
    raise ModelArtsConfigError('unknown context "%s" in %s; contexts defined: %s (the name came from %s)'
                               % (name, loaded["path"], listed, named[1] if named else "current-context"),
                               file=loaded["path"], context=name, field=named[2] if named else "current-context",
                               available_contexts=available)


def _assemble(layers, loaded=None, chosen=None):
    endpoint = _pick_endpoint(layers)
    credentials_layer = next((l for l in layers if l.credentials is not None), None)
    for field, present in (("endpoint", endpoint is not None), ("credentials", credentials_layer is not None)):
        if present:
            continue
        none = "none %s given as options or environment (%s)" % ("was" if field == "endpoint" else "were", _HOW_TO_GIVE[field])
        lacks = "has neither region nor endpoint" if field == "endpoint" else "has no credentials"
        if chosen is not None:
            message = 'context "%s" in %s %s, and %s' % (chosen["name"], loaded["path"], lacks, none)
        else:
            message = "no %s: %s" % (field, none)
        raise ModelArtsConfigError(message, file=loaded and loaded["path"], context=chosen and chosen["name"], field=_YAML_FIELD[field],
                                   available_contexts=loaded and [c["name"] for c in loaded["contexts"]])
    project_layer = next((l for l in layers if l.project_id is not None), None)
    region = next((l.region for l in layers if l.region is not None), None)
    return ResolvedConfig(
        endpoint=endpoint[0],
        credentials=credentials_layer.credentials,
        region=region,
        project_id=project_layer.project_id if project_layer else None,
        context=chosen["name"] if chosen else None,
        config_file=loaded["path"] if loaded else None,
        sources={"endpoint": endpoint[1], "credentials": credentials_layer.source,
                 "project_id": project_layer.source if project_layer else "default"},
    )


def create_client(context=None, config_file=None, region=None, endpoint=None, project_id=None, credentials=None, timeout=30.0):
    """A client for ``DataAnnotationsApi(client)`` / ``LabelApi(client)``, configured from a context.

    ``timeout`` is in seconds per request (``None`` for none). Requests are signed with the
    context's AK/SK (or carry its IAM token) at the moment they are sent.
    """
    from .client.api_client import ModelArtsClient

    resolved = resolve_context(context=context, config_file=config_file, region=region, endpoint=endpoint,
                               project_id=project_id, credentials=credentials)
    return ModelArtsClient(resolved, timeout=timeout)
