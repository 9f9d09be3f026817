"""The API's description of itself: the OpenAPI 3.1 document (`/openapi.json`), written by
hand from the component schemas (`schemas`), the `/v1` parameters and paths (`document`)
and the routes around the data (`service`).

May import `alesco` and `api.formats`; never the routes it describes.
"""
