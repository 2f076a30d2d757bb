"""Route arguments declared and validated the WordPress way.

An argument is a JSON-schema dict as WordPress registers it (`type`, `enum`, `minimum`, `format`,
`properties`, `items`, `default`, `required`, `description`), so the same dicts serve validation and
the route descriptions clients read. Errors carry WordPress's exact texts:

    >>> validate_args({"per_page": {"type": "integer", "minimum": 1, "maximum": 100}}, {"per_page": "0"})
    WcAPIException rest_invalid_param "Invalid parameter(s): per_page"
"""

import re
from collections.abc import Callable
from typing import Any

from wcompat import conf
from wcompat.dates import WpDate, parse_wp_date
from wcompat.error_codes import WcErrorCode
from wcompat.exceptions import WcAPIException
from wcompat.wordpress import absint, is_email, php_int

Schema = dict[str, Any]
# The largest value a 64-bit database integer holds; ids beyond it cannot exist.
MAX_ID = 2**63 - 1


# Marks on an argument's schema for what this project adds to WooCommerce (extensions): an argument WooCommerce
# does not have, or values it adds to an enum. Both are validated like the rest, but WordPress's discovery
# (OPTIONS, the namespace index) and error messages show only WooCommerce's own; the OpenAPI document shows
# them, marked.
EXTENSION = "x-wcompat-extension"
EXTENSION_ENUM = "x-wcompat-enum-extension"


class ArgError(Exception):
    """One argument's failure (rest_validate_value_from_schema's WP_Error), gathered under rest_invalid_param."""

    def __init__(self, code: WcErrorCode, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.data = data

    @classmethod
    def of(cls, code: WcErrorCode) -> "ArgError":
        """The failure with the code's own message."""
        return cls(code, code.message)


def wp_list(items: list[str]) -> str:
    """WordPress's wp_sprintf `%l`: "a", "a and b", "a, b, and c"."""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return ", ".join(items[:-1]) + ", and " + items[-1]


def is_integer_like(value: Any) -> bool:
    """WordPress rest_is_integer(): numeric with no fractional part."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, str):
        try:
            number = float(value.strip()) if value.strip() == value else float("nan")
        except ValueError:
            return False
        return number.is_integer()
    return False


def to_boolean(value: Any) -> bool | None:
    """WordPress rest_is_boolean() + rest_sanitize_boolean(); None when not a boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


_LIST_SEPARATORS = re.compile(r"[\s,]+")


def parse_list(value: Any) -> list[Any]:
    """WordPress wp_parse_list(): a list, or a string split on commas and whitespace."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return [item for item in _LIST_SEPARATORS.split(str(value)) if item != ""]


def parse_id_list(value: Any) -> list[int]:
    """WordPress wp_parse_id_list(): unique non-negative ints (`abc` becomes 0).

    An id too large for the database can match nothing, so it becomes 0 too.
    """
    ids = (absint(item) for item in parse_list(value))
    return list(dict.fromkeys(item if item <= MAX_ID else 0 for item in ids))


def bounded_id_list(value: Any, name: str) -> list[int]:
    """parse_id_list(), refusing lists longer than WCOMPAT_MAX_ID_LIST (WordPress sets no bound)."""
    ids = parse_id_list(value)
    limit = conf.get("MAX_ID_LIST")
    if len(ids) > limit:
        raise ArgError(WcErrorCode.TOO_MANY_ITEMS, f"{name} must contain at most {limit} items.")
    return ids


def _type_error(name: str, type_name: str) -> ArgError:
    return ArgError(WcErrorCode.INVALID_TYPE, f"{name} is not of type {type_name}.", {"param": name})


def php_string(value: Any) -> str | None:
    """A scalar as PHP casts it to a string (123 -> "123", true -> "1", false -> ""); None for arrays."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value).replace("e+", "E+")
    return None


def is_object_like(value: Any) -> bool:
    """WordPress rest_is_object(): a JSON object, any PHP array (so a JSON list too), or ""."""
    return isinstance(value, dict | list) or value == ""


def is_array_like(value: Any) -> bool:
    """WordPress rest_is_array(): a list, an object keyed 0..n-1, or a scalar (split like wp_parse_list)."""
    if isinstance(value, list):
        return True
    if isinstance(value, dict):
        return list(value) == [str(index) for index in range(len(value))]
    return isinstance(value, str | int | float) and not isinstance(value, bool)


_TYPE_CHECKS = {
    "array": is_array_like,
    "object": is_object_like,
    "integer": lambda value: is_integer_like(value),
    "number": lambda value: not isinstance(value, bool) and _is_numeric(value),
    "boolean": lambda value: to_boolean(value) is not None,
    "string": lambda value: isinstance(value, str),
    "null": lambda value: value is None,
}


def _is_numeric(value: Any) -> bool:
    if isinstance(value, int | float):
        return True
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str) and value.strip() == value


def best_type(value: Any, types: list[str]) -> str | None:
    """rest_get_best_type_for_value(): the first declared type the value passes ("" prefers string)."""
    if value == "" and "string" in types:
        return "string"
    return next((name for name in types if name in _TYPE_CHECKS and _TYPE_CHECKS[name](value)), None)


def validate_value(value: Any, schema: Schema, name: str, *, lenient: bool = False) -> Any:
    """Validate one value against its schema and return it coerced to the schema's type.

    `lenient` is how WooCommerce treats batch items, which skip route validation: a scalar where a string
    is expected is stored as PHP's string of it, an address that is not an object is ignored, and emails
    are checked later by the resource's own rules. Values that cannot be represented are still refused.
    """
    type_name = schema.get("type")
    if isinstance(type_name, list):
        chosen = best_type(value, type_name)
        if chosen is None:
            raise _type_error(name, ",".join(type_name))
        type_name = chosen
    if type_name == "integer":
        if lenient and not is_integer_like(value) and php_string(value) is not None:
            value = php_int(value)
        if not is_integer_like(value):
            raise _type_error(name, "integer")
        value = int(float(value))
        _check_range(value, schema, name)
    elif type_name == "number":
        if not _TYPE_CHECKS["number"](value):
            raise _type_error(name, "number")
        value = float(value)
        _check_range(value, schema, name)
    elif type_name == "boolean":
        coerced = to_boolean(value)
        if coerced is None:
            raise _type_error(name, "boolean")
        value = coerced
    elif type_name == "string":
        if lenient and php_string(value) is not None:
            value = php_string(value)
        if not isinstance(value, str):
            raise _type_error(name, "string")
        if not lenient and schema.get("format") == "email" and not is_email(value):
            raise ArgError.of(WcErrorCode.INVALID_EMAIL)
        if schema.get("format") == "date-time":
            instant = parse_wp_date(value)
            if instant is None:
                raise ArgError.of(WcErrorCode.INVALID_DATE)
            value = WpDate(value, instant)
    elif type_name == "array":
        if not is_array_like(value):
            raise _type_error(name, "array")
        items = schema.get("items", {})
        value = [
            validate_value(item, items, f"{name}[{index}]", lenient=lenient)
            for index, item in enumerate(parse_list(value))
        ]
    elif type_name == "object":
        if not is_object_like(value):
            if not lenient:
                raise _type_error(name, "object")
            value = {}
        # A PHP array that is a list has no key any property could match: it sets nothing.
        value = value if isinstance(value, dict) else {}
        properties = schema.get("properties", {})
        value = {
            key: validate_value(item, properties[key], f"{name}[{key}]", lenient=lenient) if key in properties else item
            for key, item in value.items()
        }
    if "enum" in schema and value not in schema["enum"] and value not in schema.get(EXTENSION_ENUM, ()):
        choices = [str(choice) for choice in schema["enum"]]
        if len(choices) == 1:
            raise ArgError(WcErrorCode.NOT_IN_ENUM, f"{name} is not {choices[0]}.")
        raise ArgError(WcErrorCode.NOT_IN_ENUM, f"{name} is not one of {wp_list(choices)}.")
    return value


def _check_range(value: float, schema: Schema, name: str) -> None:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None and not low <= value <= high:
        raise ArgError(WcErrorCode.OUT_OF_BOUNDS, f"{name} must be between {low} (inclusive) and {high} (inclusive)")
    if low is not None and high is None and value < low:
        raise ArgError(WcErrorCode.OUT_OF_BOUNDS, f"{name} must be greater than or equal to {low}")
    if high is not None and low is None and value > high:
        raise ArgError(WcErrorCode.OUT_OF_BOUNDS, f"{name} must be less than or equal to {high}")


def validate_args(
    args: dict[str, Schema],
    params: dict[str, Any],
    *,
    sanitizers: dict[str, Callable[[Any], Any]] | None = None,
    check_required: bool = True,
    lenient: bool = False,
) -> dict[str, Any]:
    """Validate declared arguments, WordPress order: required, then each value, then sanitize.

    Returns the declared arguments, coerced, with defaults filled in. Undeclared parameters are
    left out, as WordPress ignores them.
    """
    if check_required:
        missing = [name for name, schema in args.items() if schema.get("required") and name not in params]
        if missing:
            raise WcAPIException(
                WcErrorCode.MISSING_PARAM, f"Missing parameter(s): {', '.join(missing)}", 400, params=missing
            )
    sanitizers = sanitizers or {}
    cleaned: dict[str, Any] = {}
    failures: dict[str, ArgError] = {}
    for name, schema in args.items():
        if name not in params:
            if "default" in schema:
                cleaned[name] = schema["default"]
            continue
        try:
            if name in sanitizers:
                cleaned[name] = sanitizers[name](params[name])
            else:
                cleaned[name] = validate_value(params[name], schema, name, lenient=lenient)
        except ArgError as error:
            failures[name] = error
    if failures:
        raise invalid_params_error(failures)
    return cleaned


def invalid_params_error(failures: dict[str, ArgError]) -> WcAPIException:
    """WordPress's rest_invalid_param for the arguments that failed: each one's message, and its own error."""
    return WcErrorCode.INVALID_PARAM.error(
        f"Invalid parameter(s): {', '.join(failures)}",
        params={name: error.message for name, error in failures.items()},
        details={
            name: {"code": error.code, "message": error.message, "data": error.data} for name, error in failures.items()
        },
    )


def nul_character_error(param: str, path: str) -> WcAPIException:
    """A value WordPress would store as given holds a NUL character, which no database column here can hold
    (PostgreSQL text cannot): refused in the shape of rest_invalid_param, naming where it is."""
    return invalid_params_error({param: ArgError(WcErrorCode.INVALID_PARAM, f"{path} cannot contain a NUL character.")})
