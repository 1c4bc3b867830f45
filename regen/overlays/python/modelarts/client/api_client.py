"""The client ``config.create_client`` returns: the generated ApiClient, authenticating in its transport."""

import modelarts_data_annotations as generated

from ..transport import AuthenticatingPoolManager


class ModelArtsClient(generated.ApiClient):
    """A generated ``ApiClient`` whose every request is signed with AK/SK (or carries the token).

    It still works with the generated API classes, e.g.
    ``modelarts_data_annotations.DataAnnotationsApi(client).sync_obs_with_http_info(...)``.
    """

    def __init__(self, resolved, timeout=30.0):
        configuration = generated.Configuration(host=resolved.endpoint)
        super().__init__(configuration)
        self.user_agent = "modelarts-data-annotations-python/%s" % generated.__version__
        self.resolved = resolved
        self.project_id = resolved.project_id
        self.timeout = timeout
        self.rest_client.pool_manager = AuthenticatingPoolManager(self.rest_client.pool_manager, resolved.credentials)

    @property
    def signs_requests(self):
        return self.resolved.credentials.token is None

    def __repr__(self):
        return "ModelArtsClient(%r)" % (self.resolved,)
