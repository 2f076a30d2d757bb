"""A request body as WordPress reads it, through DRF's parsers: `request.data` is the body's parameters.

WordPress never refuses a body for its type (no 415): it decodes JSON (`application/json`, `…+json`) whatever
the method, and PHP fills $_POST from a form (`application/x-www-form-urlencoded`, no type at all, or
`multipart/form-data`) except on GET; any other body is ignored. `WpNegotiation.select_parser` picks by
those rules; the parsing is PHP's (wcompat.params). The body is read within DATA_UPLOAD_MAX_MEMORY_SIZE
first (`body_params`), so a body too large is a 413 whichever parser reads it.
"""

from typing import Any

from django.core.exceptions import TooManyFieldsSent
from django.http.multipartparser import MultiPartParserError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.request import Request

from wcompat.error_codes import WcErrorCode
from wcompat.exceptions import WcAPIException
from wcompat.params import (
    decode_json,
    is_json_media_type,
    php_parse_pairs,
    php_parse_qs,
    query_params,
    read_body,
)

FORM_TYPES = ("", "application/x-www-form-urlencoded", "multipart/form-data")


class WpJSONParser(BaseParser):
    """A JSON body, decoded with PHP's json_decode() rules and errors; its keys when it is an object."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None) -> dict[str, Any]:
        data = decode_json(stream.read())
        return data if isinstance(data, dict) else {}


class PhpFormParser(BaseParser):
    """A form body as PHP's $_POST (`a[]=1`, `billing[city]=X`, the last of a repeated name)."""

    media_type = "application/x-www-form-urlencoded"

    def parse(self, stream, media_type=None, parser_context=None) -> dict[str, Any]:
        return php_parse_qs(stream.read().decode("utf-8", "replace"))


class PhpMultiPartParser(BaseParser):
    """A multipart form as PHP's $_POST: its fields (Django parses the parts); one PHP cannot parse is empty."""

    media_type = "multipart/form-data"

    def parse(self, stream, media_type=None, parser_context=None) -> dict[str, Any]:
        request = parser_context["request"]._request
        try:
            fields = [(key, value) for key, values in request.POST.lists() for value in values]
        except MultiPartParserError:
            return {}
        except TooManyFieldsSent:
            raise WcAPIException(
                WcErrorCode.REQUEST_TOO_LARGE, "The request has more fields than the server accepts.", 413
            ) from None
        return php_parse_pairs(fields)


class IgnoredBodyParser(BaseParser):
    """Any other body: WordPress reads no parameters from it."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None) -> dict[str, Any]:
        return {}


WP_PARSERS = [WpJSONParser, PhpFormParser, PhpMultiPartParser, IgnoredBodyParser]


def body_media_type(request) -> str:
    return request.META.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()


def is_form_body(request) -> bool:
    """Whether PHP would fill $_POST from this request's body."""
    return request.method != "GET" and body_media_type(request) in FORM_TYPES


class WpNegotiation(BaseContentNegotiation):
    """WordPress answers JSON whatever the client accepts (no 406), and reads a body by its rules (no 415)."""

    def select_parser(self, request, parsers):
        media_type = body_media_type(request)
        if is_json_media_type(media_type):
            wanted = WpJSONParser
        elif is_form_body(request):
            wanted = PhpMultiPartParser if media_type == "multipart/form-data" else PhpFormParser
        else:
            wanted = IgnoredBodyParser
        return next(parser for parser in parsers if isinstance(parser, wanted))

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def declared_length(request) -> int:
    """The body's length as DRF reads it (Content-Length; 0 when absent or not a number)."""
    meta = request.META
    try:
        return int(meta.get("CONTENT_LENGTH", meta.get("HTTP_CONTENT_LENGTH", 0)))
    except (ValueError, TypeError):
        return 0


def body_params(request: Request) -> dict[str, Any]:
    """The body's parameters (`request.data`), the body read within the size limit first (413)."""
    if declared_length(request._request) == 0:
        # What DRF answers for no body, without its parsing machinery: most requests (every GET) have none.
        return {}
    read_body(request._request)
    return request.data or {}  # DRF's empty body is an empty QueryDict


def form_params(request: Request) -> dict[str, Any]:
    """PHP's $_POST: a form body's parameters, {} for any other (OAuth signs them; a JSON body is not read)."""
    return body_params(request) if is_form_body(request) else {}


def request_params(request: Request, path_params: dict[str, Any] | None = None) -> dict[str, Any]:
    """All parameters merged with WordPress's precedence (the body's over the query string's over the path's);
    a JSON null counts as absent."""
    merged: dict[str, Any] = dict(path_params or {})
    merged.update(query_params(request))
    merged.update(body_params(request))
    return {key: value for key, value in merged.items() if value is not None}
