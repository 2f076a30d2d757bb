"""Request parameters as WordPress sees them.

PHP parses `a=1&a=2` as `a=2` (the last one wins), `a[]=1&a[]=2` and `a[0]=1&a[1]=2` as a list and
`billing[city]=X` as an object, with PHP's limits (64 levels of nesting, 1,000 variables). A JSON body is
decoded with PHP's json_decode() rules and error codes. (wcompat.parsers reads a body with these through DRF's
parsers, and merges the sources as WordPress does.)

NUL characters are kept, as PHP keeps them: validation sees the value as sent (an email with a NUL is not an
email), WordPress's sanitizers drop them where WordPress's do, and the services refuse them in values
WordPress stores as given (no column here can hold one).
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
# PHP's max_input_nesting_level and max_input_vars.
MAX_NESTING = 64
MAX_VARS = 1000
# PHP's json_decode() depth, and its error codes and messages (json_last_error(), json_last_error_msg()).
MAX_JSON_DEPTH = 512
JSON_ERRORS = {
    1: "Maximum stack depth exceeded",
    3: "Control character error, possibly incorrectly encoded",
    4: "Syntax error",
    5: "Malformed UTF-8 characters, possibly incorrectly encoded",
    10: "Single unpaired UTF-16 surrogate in unicode escape",
}


def php_parse_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Build PHP's $_GET array from decoded (key, value) pairs."""
    result: dict[str, Any] = {}
    for count, (raw_key, value) in enumerate(pairs):
        if count >= MAX_VARS:
            break
        bracket = raw_key.find("[")
        if bracket > 0 and raw_key.endswith("]"):
            base, path = raw_key[:bracket], _SUBKEY.findall(raw_key[bracket:])
        else:
            base, path = raw_key, []
        base = base.lstrip(" ").replace(" ", "_").replace(".", "_")
        if not base or len(path) >= MAX_NESTING:
            # PHP drops a variable nested deeper than max_input_nesting_level.
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
    for key in path[:-1]:
        key = key or str(sum(1 for existing in target if existing.isdigit()))
        child = target.get(key)
        if not isinstance(child, dict):
            child = {}
            target[key] = child
        target = child
    key = path[-1] or str(sum(1 for existing in target if existing.isdigit()))
    target[key] = value


def _listify(value: Any) -> Any:
    """A PHP array keyed 0..n-1 is a JSON list; any other PHP array is an object."""
    if not isinstance(value, dict):
        return value
    value = {key: _listify(item) for key, item in value.items()}
    if value and list(value) == [str(i) for i in range(len(value))]:
        return list(value.values())
    return value


def is_json_media_type(media_type: str) -> bool:
    """WordPress's wp_is_json_media_type(): application/json or any +json type (lower-cased, no parameters)."""
    return media_type == "application/json" or media_type.endswith("+json")


def json_error(code: int) -> WcAPIException:
    return WcErrorCode.INVALID_JSON.error(json_error_code=code, json_error_message=JSON_ERRORS[code])


def _refuse_constant(name: str) -> Any:
    # NaN and Infinity are JavaScript, not JSON: PHP refuses them.
    raise ValueError(name)


def decode_json(body: bytes) -> Any:
    """PHP json_decode($body, true) as WordPress calls it, or rest_invalid_json with PHP's error code.

    An empty body (or "0", which PHP's empty() also calls empty) is no JSON at all.
    """
    if body in (b"", b"0"):
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise json_error(5) from None
    if text.startswith("\ufeff"):
        raise json_error(4)  # PHP does not skip a byte-order mark
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise json_error(1) from None
    except ValueError as error:
        message = getattr(error, "msg", "")
        raise json_error(3 if message.startswith("Invalid control character") else 4) from None
    return _checked(data)


def _checked(data: Any) -> Any:
    """The decoded value within PHP's depth, without unpaired surrogates."""
    clean = _clean_string
    root: list[Any] = [data]
    stack: list[tuple[Any, Any, int]] = [(root, 0, 0)]
    while stack:
        parent, key, depth = stack.pop()
        value = parent[key]
        if isinstance(value, str):
            parent[key] = clean(value)
        elif isinstance(value, list | dict):
            if depth + 1 > MAX_JSON_DEPTH:
                raise json_error(1)
            if isinstance(value, dict):
                if not all(_valid_text(name) for name in value):
                    raise json_error(10)
                stack.extend((value, name, depth + 1) for name in value)
            else:
                stack.extend((value, index, depth + 1) for index in range(len(value)))
    return root[0]


def _valid_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _clean_string(text: str) -> str:
    if not _valid_text(text):
        raise json_error(10)
    return text


def _parsed_once(request, attribute: str, parse) -> dict[str, Any]:
    """Authentication, validation, paging links and _fields all read the same parameters: parse them once."""
    request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    parsed = getattr(request, attribute, None)
    if parsed is None:
        parsed = parse(request)
        setattr(request, attribute, parsed)
    return parsed


def read_body(request: HttpRequest) -> bytes:
    """The body, read once, within DATA_UPLOAD_MAX_MEMORY_SIZE (413 beyond it)."""
    try:
        return request.body
    except RequestDataTooBig:
        raise WcAPIException(WcErrorCode.REQUEST_TOO_LARGE, "The request body is too large.", 413) from None


def query_params(request) -> dict[str, Any]:
    """The query string as PHP's $_GET; shared by every reader of the request, so not to be changed."""
    return _parsed_once(request, "_wp_query_params", lambda r: php_parse_qs(r.META.get("QUERY_STRING", "")))
