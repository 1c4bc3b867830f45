"""One call of each of the eleven legacy methods, written as the legacy SDK pages write them
(imports, create_client(context="default"), keyword arguments, plain-dict bodies), against the
emulator. Prints one JSON object: method -> what the call returned, plus how the result reads.

Environment: PROJECT (project ID), JOB (an image classification job), DETECTION_JOB (an object
detection job), ANNOTATION_JOB (the UUID of an annotation job over JOB, for query_validation);
the config file comes from HOME or MODELARTS_CONFIG as for any user.
"""

import json
import os
import time

from modelarts import config
from modelarts.client.api import *

P = os.environ["PROJECT"]
JOB = os.environ["JOB"]
DETECTION_JOB = os.environ["DETECTION_JOB"]
ANNOTATION_JOB = os.environ["ANNOTATION_JOB"]

client = config.create_client(context="default")
dasApi = DataAnnotationsApi(client)
out = {}

out["sync_obs"] = dasApi.sync_obs(project_id=P, data_annotation_id=JOB)
status = dasApi.sync_obs_status(project_id=P, data_annotation_id=JOB)
while status.sync_status == 3:
    time.sleep(0.02)
    status = dasApi.sync_obs_status(project_id=P, data_annotation_id=JOB)
out["sync_obs_status"] = status
dasApi.sync_obs(project_id=P, data_annotation_id=DETECTION_JOB)
while dasApi.sync_obs_status(project_id=P, data_annotation_id=DETECTION_JOB).sync_status == 3:
    time.sleep(0.02)

untagged = dasApi.show_images_by_tag(project_id=P, data_annotation_id=JOB, tag_name="__none__", per_page=10, page=1)
first, second = [image.image_id for image in untagged.images][:2]

# Image classification: the page's body, with an image of the job.
body = {
    "images": [{
        "image_id": first,
        "tags": ["flower", "cat"],
        "size": [1920, 1080]
    }]
}
out["modify_image_info"] = dasApi.modify_image_info(project_id=P, data_annotation_id=JOB, body=body)

# Object detection: tags are {"tag", "pos"} objects, the size applies to every listed image.
detection_image = dasApi.show_images_by_tag(project_id=P, data_annotation_id=DETECTION_JOB, tag_name="__none__").images[0].image_id
body = {
    "images": [{
        "image_id": detection_image,
        "tags": [{
            "tag": "flower",
            "pos": [10, 0, 100, 100]
        }]
    }],
    "size": [1920, 1080]
}
out["modify_image_info (object detection)"] = dasApi.modify_image_info(project_id=P, data_annotation_id=DETECTION_JOB, body=body)
out["get_image_info_by_id (object detection)"] = dasApi.get_image_info_by_id(project_id=P, data_annotation_id=DETECTION_JOB, image_id=detection_image)

out["show_images_by_tag"] = dasApi.show_images_by_tag(project_id=P, data_annotation_id=JOB, tag_name="cat", per_page=10, page=1)
out["get_image_info_by_id"] = dasApi.get_image_info_by_id(project_id=P, data_annotation_id=JOB, image_id=first)
body = {
    "image_id": [first, second]
}
out["get_image_info_by_ids"] = dasApi.get_image_info_by_ids(project_id=P, data_annotation_id=JOB, body=body)
out["query_tag_list"] = dasApi.query_tag_list(project_id=P, data_annotation_id=JOB)
out["get_tag_statistics"] = dasApi.get_tag_statistics(project_id=P, data_annotation_id=JOB)

# The validation page imports from modelarts.client, not modelarts.client.api.
from modelarts.client import *
labelapi = LabelApi(client)
out["query_validation"] = labelapi.query_validation(project_id=P, job_id=ANNOTATION_JOB)

out["delete_selected_image"] = dasApi.delete_selected_image(project_id=P, data_annotation_id=JOB, image_id=first)
body = {
    "image_id": [second]
}
out["delete_selected_images"] = dasApi.delete_selected_images(project_id=P, data_annotation_id=JOB, body=body)

# Arguments the API would refuse raise before anything is sent: this client's endpoint is a
# closed port, so a request that went out would be a network error instead.
from modelarts.errors import ModelArtsNetworkError, ModelArtsValidationError

offline = DataAnnotationsApi(config.create_client(context="default", endpoint="http://127.0.0.1:9"))
refused = {}
for name, call in {
    "per_page": lambda: offline.show_images_by_tag(project_id=P, data_annotation_id=JOB, per_page=1000),
    "data_annotation_id": lambda: offline.sync_obs(project_id=P, data_annotation_id="28 2"),
    "tags": lambda: offline.modify_image_info(project_id=P, data_annotation_id=JOB, body={"images": [{"image_id": "a", "tags": [5]}]}),
    "image_id": lambda: offline.get_image_info_by_ids(project_id=P, data_annotation_id=JOB, body={"image_id": []}),
    "network": lambda: offline.sync_obs(project_id=P, data_annotation_id=JOB),
}.items():
    try:
        call()
        refused[name] = "no error"
    except (ModelArtsValidationError, ModelArtsNetworkError) as error:
        refused[name] = {"type": type(error).__name__, "parameter": getattr(error, "parameter", None), "message": str(error)}

# How results read: keys and attributes alike, and a failure as the legacy tables document it.
unknown = dasApi.sync_obs(project_id=P, data_annotation_id="999999")
stats = out["get_tag_statistics"]
print(json.dumps({
    "results": out,
    "reads": {
        "attribute_equals_key": all(r.is_success == r["is_success"] for r in out.values()),
        "nested_attribute": stats.tag_count[0].tag,
        "detection_tag_attribute": out["get_image_info_by_id (object detection)"].tags[0].pos,
        "result_type": type(out["sync_obs"]).__name__,
        "is_dict": isinstance(out["sync_obs"], dict),
    },
    "unknown_job": unknown,
    "refused": refused,
    "client_repr": repr(client),
}))
