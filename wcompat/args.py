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

from wcompat.error_codes import WcErrorCode
from wcompat.exceptions import WcAPIException

Schema = dict[str, Any]
# The largest value a 64-bit database integer holds; ids beyond it cannot exist.
MAX_ID = 2**63 - 1


class ArgError(Exception):
    def __init__(self, code: str, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


def wp_list(items: list[str]) -> str:
    """WordPress's wp_sprintf `%l`: "a", "a and b", "a, b, and c"."""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return ", ".join(items[:-1]) + ", and " + items[-1]


_EMAIL_LOCAL = re.compile(r"^[a-zA-Z0-9!#$%&'*+/=?^_`{|}~.-]+$")
_EMAIL_LABEL = re.compile(r"^[a-z0-9-]+$", re.IGNORECASE)


def is_email(value: str) -> bool:
    """WordPress is_email()."""
    if len(value) < 6 or "@" not in value[1:]:
        return False
    local, domain = value.split("@", 1)
    if not _EMAIL_LOCAL.match(local):
        return False
    if ".." in domain or domain.startswith(".") or domain.endswith("."):
        return False
    labels = domain.split(".")
    if len(labels) < 2:
        return False
    return all(
        label and _EMAIL_LABEL.match(label) and not label.startswith("-") and not label.endswith("-")
        for label in labels
    )


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


def absint(value: Any) -> int:
    """PHP absint(): leading digits of the value, made non-negative; anything else is 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return abs(int(value))
    match = re.match(r"\s*([+-]?\d+)", str(value))
    return abs(int(match.group(1))) if match else 0


def parse_list(value: Any) -> list[Any]:
    """WordPress wp_parse_list(): a list, or a string split on commas and whitespace."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return [item for item in re.split(r"[\s,]+", str(value)) if item != ""]


def parse_id_list(value: Any) -> list[int]:
    """WordPress wp_parse_id_list(): unique non-negative ints (`abc` becomes 0).

    An id too large for the database can match nothing, so it becomes 0 too.
    """
    ids = (absint(item) for item in parse_list(value))
    return list(dict.fromkeys(item if item <= MAX_ID else 0 for item in ids))


def _type_error(name: str, type_name: str) -> ArgError:
    return ArgError("rest_invalid_type", f"{name} is not of type {type_name}.", {"param": name})


def validate_value(value: Any, schema: Schema, name: str, *, check_format: bool = True) -> Any:
    """Validate one value against its schema and return it coerced to the schema's type."""
    type_name = schema.get("type")
    if type_name == "integer":
        if not is_integer_like(value):
            raise _type_error(name, "integer")
        value = int(float(value))
        _check_range(value, schema, name)
    elif type_name == "number":
        try:
            value = float(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            value = None
        if value is None:
            raise _type_error(name, "number")
        _check_range(value, schema, name)
    elif type_name == "boolean":
        coerced = to_boolean(value)
        if coerced is None:
            raise _type_error(name, "boolean")
        value = coerced
    elif type_name == "string":
        if not isinstance(value, str):
            raise _type_error(name, "string")
        if check_format and schema.get("format") == "email" and not is_email(value):
            raise ArgError("rest_invalid_email", "Invalid email address.")
    elif type_name == "array":
        if not isinstance(value, list | dict | str):
            raise _type_error(name, "array")
        items = schema.get("items", {})
        value = [
            validate_value(item, items, f"{name}[{index}]", check_format=check_format)
            for index, item in enumerate(parse_list(value))
        ]
    elif type_name == "object":
        if value == "" or value == []:
            value = {}
        if not isinstance(value, dict):
            raise _type_error(name, "object")
        properties = schema.get("properties", {})
        value = {
            key: validate_value(item, properties[key], f"{name}[{key}]", check_format=check_format)
            if key in properties
            else item
            for key, item in value.items()
        }
    if "enum" in schema and value not in schema["enum"]:
        choices = [str(choice) for choice in schema["enum"]]
        if len(choices) == 1:
            raise ArgError("rest_not_in_enum", f"{name} is not {choices[0]}.")
        raise ArgError("rest_not_in_enum", f"{name} is not one of {wp_list(choices)}.")
    return value


def _check_range(value: float, schema: Schema, name: str) -> None:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None and not low <= value <= high:
        raise ArgError("rest_out_of_bounds", f"{name} must be between {low} (inclusive) and {high} (inclusive)")
    if low is not None and high is None and value < low:
        raise ArgError("rest_out_of_bounds", f"{name} must be greater than or equal to {low}")
    if high is not None and low is None and value > high:
        raise ArgError("rest_out_of_bounds", f"{name} must be less than or equal to {high}")


def validate_args(
    args: dict[str, Schema],
    params: dict[str, Any],
    *,
    sanitizers: dict[str, Callable[[Any], Any]] | None = None,
    check_required: bool = True,
    check_format: bool = True,
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
    invalid: dict[str, str] = {}
    details: dict[str, dict[str, Any]] = {}
    for name, schema in args.items():
        if name not in params:
            if "default" in schema:
                cleaned[name] = schema["default"]
            continue
        try:
            if name in sanitizers:
                cleaned[name] = sanitizers[name](params[name])
            else:
                cleaned[name] = validate_value(params[name], schema, name, check_format=check_format)
        except ArgError as error:
            invalid[name] = error.message
            details[name] = {"code": error.code, "message": error.message, "data": error.data}
    if invalid:
        raise WcAPIException(
            WcErrorCode.INVALID_PARAM,
            f"Invalid parameter(s): {', '.join(invalid)}",
            400,
            params=invalid,
            details=details,
        )
    return cleaned


def sanitize_text_field(value: str) -> str:
    """WordPress sanitize_text_field(): no tags, no line breaks, whitespace collapsed and trimmed."""
    value = re.sub(r"<[^>]*>", "", value).replace("\x00", "")
    value = re.sub(r"[\r\n\t ]+", " ", value)
    return value.strip()
