"""``from modelarts.client import *`` gives the API classes, as the legacy query_validation page uses it."""

from .api import DataAnnotationsApi, LabelApi  # noqa: F401
from .api_client import ModelArtsClient  # noqa: F401
from .result import Result  # noqa: F401

__all__ = ["DataAnnotationsApi", "LabelApi", "ModelArtsClient", "Result"]
