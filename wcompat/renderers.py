"""JSON as WordPress sends it: `application/json; charset=UTF-8`, whatever the client accepts."""

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer


class WpJSONRenderer(JSONRenderer):
    charset = "UTF-8"
    compact = True


class AlwaysJSONNegotiation(BaseContentNegotiation):
    """WordPress answers JSON to every Accept header; no 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
