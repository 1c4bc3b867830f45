"""Errors of the modelarts overlay. None of them carries a secret in its message or attributes."""


class ModelArtsError(Exception):
    """Base of every error raised on the client's side of the wire."""


class ModelArtsConfigError(ModelArtsError, ValueError):
    """The config file, a context, an option or an environment variable is unusable.

    ``file``, ``context``, ``field`` and ``available_contexts`` say where, when known.
    """

    def __init__(self, message, file=None, context=None, field=None, available_contexts=None):
        super().__init__(message)
        self.file = file
        self.context = context
        self.field = field
        self.available_contexts = list(available_contexts or [])


class ModelArtsValidationError(ModelArtsError, ValueError):
    """An argument breaks the API's constraints; raised before anything is sent.

    ``parameter`` names the argument, ``operation`` the method.
    """

    def __init__(self, parameter, problem, operation=None):
        where = "%s: " % operation if operation else ""
        super().__init__("%sinvalid %s: %s" % (where, parameter, problem))
        self.parameter = parameter
        self.problem = problem
        self.operation = operation


class ModelArtsNetworkError(ModelArtsError):
    """No answer came: refused, reset, DNS failure or timeout. ``reason`` is "network" or "timeout"."""

    def __init__(self, message, reason="network"):
        super().__init__(message)
        self.reason = reason
