"""Formats: the bodies the API writes (JSON shapes of `/v1`, JSON/CSV rendering, Atom,
iCalendar, RFC 9457 problems, the OpenAPI document) and the content negotiation that picks one.

May import `alesco` and this folder only: a format knows nothing of routes or the edge.
"""
