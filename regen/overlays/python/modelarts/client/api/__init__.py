"""``DataAnnotationsApi`` and ``LabelApi`` as the legacy (2019) SDK pages call them.

    dasApi = DataAnnotationsApi(client)
    dasApi.sync_obs(project_id="...", data_annotation_id="282")        # Result({'is_success': True})
    dasApi.modify_image_info(project_id="...", data_annotation_id="282",
                             body={"images": [{"image_id": "...", "tags": ["flower", "cat"]}]})

Each method takes the legacy page's keyword arguments (``body`` a plain dict, tags plain
strings or ``{"tag", "pos"}`` objects), sends through the generated client, and returns a
``Result``: ``is_success`` plus the answer's fields, or on a service error ``is_success``
False with ``error_code``, ``error_msg``, ``http_status`` and ``request_id``, as the legacy
tables document. Raised instead: ``ModelArtsValidationError`` for an argument the API would
refuse (before anything is sent) and ``ModelArtsNetworkError`` when no answer came.
"""

import json
import re

import pydantic
import urllib3

import modelarts_data_annotations as generated

from ...errors import ModelArtsNetworkError, ModelArtsValidationError
from ..api_client import ModelArtsClient
from ..result import Result

__all__ = ["DataAnnotationsApi", "LabelApi"]

# Path parameter patterns of the spec (spec/components/parameters/): the generated client checks
# only lengths, and an ID that breaks them would otherwise reach the service.
_PATH_PATTERNS = {
    "project_id": re.compile(r"^[A-Za-z0-9-]{1,64}$"),
    "data_annotation_id": re.compile(r"^[0-9]{1,19}$"),
    "image_id": re.compile(r"^[A-Za-z0-9_-]{1,64}$"),
    "job_id": re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$"),
}


class _LegacyApi:
    _generated_class = None

    def __init__(self, api_client=None):
        if api_client is None:
            from ...config import create_client
            api_client = create_client()
        if not isinstance(api_client, generated.ApiClient):
            raise TypeError("%s needs the client of modelarts.config.create_client(...), got %s"
                            % (type(self).__name__, type(api_client).__name__))
        self.api_client = api_client
        self._api = self._generated_class(api_client)

    def _call(self, operation, path, query=None, body=None, body_model=None, body_param=None):
        path = dict(path)
        if path.get("project_id") is None:
            path["project_id"] = getattr(self.api_client, "project_id", None)
            if path["project_id"] is None:
                raise ModelArtsValidationError(
                    "project_id", "is required: pass it, or set project_id in the context or HUAWEICLOUD_SDK_PROJECT_ID", operation)
        for name, value in path.items():
            if not isinstance(value, str):
                raise ModelArtsValidationError(name, "must be a string, got %s" % type(value).__name__, operation)
            if not _PATH_PATTERNS[name].match(value):
                raise ModelArtsValidationError(name, "must match %s, got %r" % (_PATH_PATTERNS[name].pattern, value), operation)
        kwargs = dict(path)
        for name, value in (query or {}).items():
            if value is not None:
                kwargs[name] = value
        if body_model is not None:
            kwargs[body_param] = _body(body_model, body, operation)
        # Signed requests name their project, as the official SDKs do; the gateway checks it matches the path.
        headers = {"X-Project-Id": path["project_id"]}
        timeout = getattr(self.api_client, "timeout", None)
        send = getattr(self._api, operation + "_without_preload_content")
        try:
            response = send(**kwargs, _headers=headers, _request_timeout=timeout)
        except pydantic.ValidationError as error:
            first = error.errors()[0]
            name = ".".join(str(part) for part in first["loc"]) or "arguments"
            raise ModelArtsValidationError(name, first["msg"], operation) from None
        except urllib3.exceptions.HTTPError as error:
            reason = "timeout" if isinstance(error, urllib3.exceptions.TimeoutError) or "timed out" in str(error).lower() else "network"
            raise ModelArtsNetworkError("%s: %s %s" % (operation, "timed out" if reason == "timeout" else "failed:", type(error).__name__),
                                        reason) from error
        return _result(operation, response)


def _body(model, body, operation):
    if isinstance(body, model):
        return body
    if not isinstance(body, dict):
        raise ModelArtsValidationError("body", "must be a dict as on the legacy page, got %s" % type(body).__name__, operation)
    try:
        return model.from_dict(body)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        where = "body." + ".".join(str(part) for part in first["loc"]) if first["loc"] else "body"
        raise ModelArtsValidationError(where, first["msg"], operation) from None
    except ValueError as error:
        # The generated oneOf models (ImageTag: a string or a {tag, pos} object) raise plain ValueErrors.
        raise ModelArtsValidationError("body", str(error).split("\n")[0], operation) from None


def _result(operation, response):
    status = response.status
    text = response.data.decode("utf-8", "replace") if response.data else ""
    request_id = response.headers.get("X-Request-Id")
    if 200 <= status < 300:
        fields = {}
        if text:
            try:
                fields = json.loads(text)
            except ValueError:
                # A 2xx whose body was cut off or replaced on the way: the effect is unknown, not a success.
                return Result(is_success=False, error_code="CLIENT.INVALID_RESPONSE",
                              error_msg="HTTP %d: the success body of %s is not valid JSON: %s" % (status, operation, text[:120]),
                              http_status=status, request_id=request_id)
        result = Result(is_success=True)
        result.update(Result(fields))
        result["is_success"] = True
        return result
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error_code"), str):
        return Result(is_success=False, error_code=body["error_code"],
                      error_msg=body["error_msg"] if isinstance(body.get("error_msg"), str) else "",
                      http_status=status, request_id=request_id)
    # Not the service's error JSON (a proxy's HTML page, a cut-off body): still a readable result.
    snippet = " ".join(text.split())[:200]
    described = "HTTP %d%s" % (status, " %s" % response.reason if getattr(response, "reason", None) else "")
    if 300 <= status < 400:
        described += " (redirect not followed: credentials go only to the configured endpoint)"
    return Result(is_success=False, error_code="HTTP.%d" % status,
                  error_msg="%s: %s" % (described, snippet) if snippet else "%s with no error body" % described,
                  http_status=status, request_id=request_id)


class DataAnnotationsApi(_LegacyApi):
    """Images, tags and OBS synchronisation of manual-annotation jobs."""

    _generated_class = generated.DataAnnotationsApi

    def show_images_by_tag(self, project_id=None, data_annotation_id=None, tag_name=None, per_page=None, page=None):
        """One page of the job's images with ``tag_name`` (all labelled ones without it, unlabelled with "__none__")."""
        return self._call("show_images_by_tag", {"project_id": project_id, "data_annotation_id": data_annotation_id},
                          {"tag_name": tag_name, "per_page": per_page, "page": page})

    def modify_image_info(self, project_id=None, data_annotation_id=None, body=None):
        """Replace the tags of the images in ``body["images"]`` (all or nothing)."""
        return self._call("modify_image_info", {"project_id": project_id, "data_annotation_id": data_annotation_id},
                          body=body, body_model=generated.ModifyImageInfoRequest, body_param="modify_image_info_request")

    def delete_selected_image(self, project_id=None, data_annotation_id=None, image_id=None):
        return self._call("delete_selected_image", {"project_id": project_id, "data_annotation_id": data_annotation_id, "image_id": image_id})

    def delete_selected_images(self, project_id=None, data_annotation_id=None, body=None):
        """Delete the images of ``body["image_id"]`` (a list; all or nothing)."""
        return self._call("delete_selected_images", {"project_id": project_id, "data_annotation_id": data_annotation_id},
                          body=body, body_model=generated.ImageIdList, body_param="image_id_list")

    def get_image_info_by_id(self, project_id=None, data_annotation_id=None, image_id=None):
        return self._call("get_image_info_by_id", {"project_id": project_id, "data_annotation_id": data_annotation_id, "image_id": image_id})

    def get_image_info_by_ids(self, project_id=None, data_annotation_id=None, body=None):
        return self._call("get_image_info_by_ids", {"project_id": project_id, "data_annotation_id": data_annotation_id},
                          body=body, body_model=generated.ImageIdList, body_param="image_id_list")

    def query_tag_list(self, project_id=None, data_annotation_id=None):
        return self._call("query_tag_list", {"project_id": project_id, "data_annotation_id": data_annotation_id})

    def get_tag_statistics(self, project_id=None, data_annotation_id=None):
        return self._call("get_tag_statistics", {"project_id": project_id, "data_annotation_id": data_annotation_id})

    def sync_obs(self, project_id=None, data_annotation_id=None):
        """Start a background scan of the job's OBS folder; follow it with ``sync_obs_status``."""
        return self._call("sync_obs", {"project_id": project_id, "data_annotation_id": data_annotation_id})

    def sync_obs_status(self, project_id=None, data_annotation_id=None):
        """``sync_status``: 0 not started, 1 succeeded, 2 failed, 3 running."""
        return self._call("sync_obs_status", {"project_id": project_id, "data_annotation_id": data_annotation_id})


class LabelApi(_LegacyApi):
    """Validation data of annotation jobs."""

    _generated_class = generated.LabelApi

    def query_validation(self, project_id=None, job_id=None):
        return self._call("query_validation", {"project_id": project_id, "job_id": job_id})
