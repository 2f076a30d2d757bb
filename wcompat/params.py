"""Request parameters as WordPress sees them.

PHP parses `a=1&a=2` as `a=2` (the last one wins), `a[]=1&a[]=2` and `a[0]=1&a[1]=2` as a list and
`billing[city]=X` as an object. WordPress then merges the sources: JSON body, form body, query string,
path, in that order of precedence.
"""

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_plus

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest

from wcompat.error_codes import WcErrorCode
from wcompat.exceptions import WcAPIException

_SUBKEY = re.compile(r"\[([^\]]*)\]")


def php_parse_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Build PHP's $_GET array from decoded (key, value) pairs."""
    result: dict[str, Any] = {}
    for raw_key, value in pairs:
        bracket = raw_key.find("[")
        if bracket > 0 and raw_key.endswith("]"):
            base, path = raw_key[:bracket], _SUBKEY.findall(raw_key[bracket:])
        else:
            base, path = raw_key, []
        base = base.lstrip(" ").replace(" ", "_").replace(".", "_")
        if not base:
            continue
        _assign(result, [base, *path], value)
    return {key: _listify(value) for key, value in result.items()}


def php_parse_qs(query_string: str) -> dict[str, Any]:
    """Parse a raw query string the way PHP fills $_GET (`+` is a space)."""
    pairs = []
    for chunk in query_string.split("&"):
        if not chunk:
            continue
        key, _, value = chunk.partition("=")
        pairs.append((unquote_plus(key), unquote_plus(value)))
    return php_parse_pairs(pairs)


def _assign(target: dict[str, Any], path: list[str], value: str) -> None:
    key, rest = path[0], path[1:]
    if key == "":
        key = str(sum(1 for k in target if k.isdigit()))
    if not rest:
        target[key] = value
        return
    child = target.get(key)
    if not isinstance(child, dict):
        child = {}
        target[key] = child
    _assign(child, rest, value)


def _listify(value: Any) -> Any:
    """A PHP array keyed 0..n-1 is a JSON list; any other PHP array is an object."""
    if not isinstance(value, dict):
        return value
    value = {key: _listify(item) for key, item in value.items()}
    if value and list(value) == [str(i) for i in range(len(value))]:
        return list(value.values())
    return value


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def parse_json_body(request: HttpRequest) -> dict[str, Any]:
    """The JSON body's keys, or {} when the body is empty, not JSON or not an object."""
    if not _is_json(request.META.get("CONTENT_TYPE", "")) or not request.body.strip():
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # PHP's JSON_ERROR_SYNTAX, as json_last_error() reports it.
        raise WcAPIException(
            WcErrorCode.INVALID_JSON,
            "Invalid JSON body passed.",
            400,
            json_error_code=4,
            json_error_message="Syntax error",
        ) from None
    return data if isinstance(data, dict) else {}


def _parse_form_body(request: HttpRequest) -> dict[str, Any]:
    content_type = request.META.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    if request.method == "GET" or _is_json(content_type):
        return {}
    if content_type == "multipart/form-data":
        return php_parse_pairs((key, value) for key, values in request.POST.lists() for value in values)
    if content_type in ("", "application/x-www-form-urlencoded"):
        try:
            return php_parse_qs(request.body.decode("utf-8", "replace"))
        except Exception:  # the body stream was already read elsewhere
            return {}
    return {}


def _parsed_once(request, attribute: str, parse) -> dict[str, Any]:
    """Authentication, validation, paging links and _fields all read the same parameters: parse them once."""
    request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    parsed = getattr(request, attribute, None)
    if parsed is None:
        parsed = parse(request)
        setattr(request, attribute, parsed)
    return parsed


def query_params(request) -> dict[str, Any]:
    """The query string as PHP's $_GET; shared by every reader of the request, so not to be changed."""
    return _parsed_once(request, "_wp_query_params", lambda r: php_parse_qs(r.META.get("QUERY_STRING", "")))


def form_params(request) -> dict[str, Any]:
    """A form-encoded body as PHP's $_POST ({} for JSON and GET); shared, so not to be changed."""
    return _parsed_once(request, "_wp_form_params", _parse_form_body)


def request_params(request: HttpRequest, path_params: dict[str, Any] | None = None) -> dict[str, Any]:
    """All parameters merged with WordPress's precedence; a JSON null counts as absent."""
    try:
        request.body  # noqa: B018  (read once, within DATA_UPLOAD_MAX_MEMORY_SIZE)
    except RequestDataTooBig:
        raise WcAPIException(WcErrorCode.REQUEST_TOO_LARGE, "The request body is too large.", 413) from None
    merged: dict[str, Any] = dict(path_params or {})
    merged.update(query_params(request))
    merged.update(form_params(request))
    merged.update(parse_json_body(request))
    return {key: value for key, value in merged.items() if value is not None}
