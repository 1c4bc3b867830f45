"""The legacy (2019) ModelArts SDK surface over the generated client ``modelarts_data_annotations``.

    from modelarts import config
    from modelarts.client.api import *
    client = config.create_client(context="default")
    DataAnnotationsApi(client).sync_obs(project_id="...", data_annotation_id="282")

Added to the generated package by ``npm run regen`` (regen/overlays/python/); not generated.
"""
