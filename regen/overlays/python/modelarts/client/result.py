"""What a legacy method returns: the legacy SDK's result fields, readable as keys and as attributes."""


class Result(dict):
    """A dict of the answer's fields plus ``is_success`` (and, on failure, ``error_code``,
    ``error_msg``, ``http_status``, ``request_id``). ``r["is_success"]`` and ``r.is_success``
    are the same; nested objects (detection tags, images) read both ways too, while plain
    string tags stay strings. It prints as the dict it is.
    """

    __slots__ = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, value in self.items():
            super().__setitem__(key, _wrap(value))

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError("%s has no field %r (fields: %s)" % (type(self).__name__, name, ", ".join(self) or "none")) from None

    def __setattr__(self, name, value):
        self[name] = _wrap(value)

    def __dir__(self):
        return list(super().__dir__()) + list(self)


def _wrap(value):
    if isinstance(value, dict) and not isinstance(value, Result):
        return Result(value)
    if isinstance(value, list):
        return [_wrap(item) for item in value]
    return value
