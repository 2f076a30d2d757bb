from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from wcompat.args import (
    MAX_ID,
    ArgError,
    best_type,
    bounded_id_list,
    is_array_like,
    is_integer_like,
    parse_id_list,
    to_boolean,
    validate_args,
    validate_value,
    wp_list,
)
from wcompat.dates import WpDate, wp_date_query_bound
from wcompat.exceptions import WcAPIException
from wcompat.wordpress import is_email


@pytest.mark.parametrize(
    ("items", "text"),
    [(["a"], "a"), (["a", "b"], "a and b"), (["view", "edit", "embed"], "view, edit, and embed")],
)
def test_wp_list_formats_like_wp_sprintf(items, text):
    assert wp_list(items) == text


def test_parse_id_list_accepts_strings_lists_and_drops_duplicates():
    assert parse_id_list("1,2 3,,2") == [1, 2, 3]
    assert parse_id_list(["4", 5, "-6"]) == [4, 5, 6]
    assert parse_id_list("abc") == [0]
    assert parse_id_list(str(MAX_ID + 1)) == [0]


@pytest.mark.parametrize(
    ("schema", "value", "coerced"),
    [
        ({"type": "integer"}, "5", 5),
        ({"type": "integer"}, "5.0", 5),
        ({"type": "integer"}, 7, 7),
        ({"type": "boolean"}, "True", True),
        ({"type": "boolean"}, "0", False),
        ({"type": "boolean"}, 1, True),
        ({"type": "array", "items": {"type": "integer"}}, "1,2", [1, 2]),
        ({"type": "array", "items": {"type": "integer"}}, ["3"], [3]),
        ({"type": "object", "properties": {"city": {"type": "string"}}}, {"city": "X", "x": 1}, {"city": "X", "x": 1}),
        ({"type": "object"}, "", {}),
    ],
)
def test_validate_value_coerces(schema, value, coerced):
    assert validate_value(value, schema, "p") == coerced


@pytest.mark.parametrize(
    ("schema", "value", "code", "message"),
    [
        ({"type": "integer"}, "abc", "rest_invalid_type", "p is not of type integer."),
        ({"type": "integer"}, "1.5", "rest_invalid_type", "p is not of type integer."),
        ({"type": "integer"}, True, "rest_invalid_type", "p is not of type integer."),
        ({"type": "boolean"}, "yes", "rest_invalid_type", "p is not of type boolean."),
        ({"type": "string"}, 5, "rest_invalid_type", "p is not of type string."),
        ({"type": "object"}, "x", "rest_invalid_type", "p is not of type object."),
        ({"type": "array", "items": {"type": "integer"}}, ["x"], "rest_invalid_type", "p[0] is not of type integer."),
        (
            {"type": "object", "properties": {"phone": {"type": "string"}}},
            {"phone": None},
            "rest_invalid_type",
            "p[phone] is not of type string.",
        ),
        ({"type": "string", "format": "email"}, "nope", "rest_invalid_email", "Invalid email address."),
        ({"type": "string", "enum": ["view"]}, "edit", "rest_not_in_enum", "p is not view."),
        ({"type": "string", "enum": ["asc", "desc"]}, "DESC", "rest_not_in_enum", "p is not one of asc and desc."),
        ({"type": "integer", "minimum": 1}, "0", "rest_out_of_bounds", "p must be greater than or equal to 1"),
        ({"type": "integer", "maximum": 9}, "10", "rest_out_of_bounds", "p must be less than or equal to 9"),
        (
            {"type": "integer", "minimum": 1, "maximum": 100},
            "101",
            "rest_out_of_bounds",
            "p must be between 1 (inclusive) and 100 (inclusive)",
        ),
    ],
)
def test_validate_value_errors_carry_wordpress_texts(schema, value, code, message):
    with pytest.raises(ArgError) as raised:
        validate_value(value, schema, "p")
    assert (raised.value.code, raised.value.message) == (code, message)


def test_validate_args_reports_every_invalid_param_with_details():
    args = {"page": {"type": "integer", "minimum": 1}, "order": {"type": "string", "enum": ["asc", "desc"]}}
    with pytest.raises(WcAPIException) as raised:
        validate_args(args, {"page": "0", "order": "up"})
    assert raised.value.as_dict() == {
        "code": "rest_invalid_param",
        "message": "Invalid parameter(s): page, order",
        "data": {
            "status": 400,
            "params": {"page": "page must be greater than or equal to 1", "order": "order is not one of asc and desc."},
            "details": {
                "page": {
                    "code": "rest_out_of_bounds",
                    "message": "page must be greater than or equal to 1",
                    "data": None,
                },
                "order": {"code": "rest_not_in_enum", "message": "order is not one of asc and desc.", "data": None},
            },
        },
    }


def test_validate_args_missing_required_comes_first_and_lists_names():
    args = {"email": {"type": "string", "required": True}, "password": {"type": "string", "required": True}}
    with pytest.raises(WcAPIException) as raised:
        validate_args(args, {"first_name": 5})
    assert raised.value.as_dict() == {
        "code": "rest_missing_callback_param",
        "message": "Missing parameter(s): email, password",
        "data": {"status": 400, "params": ["email", "password"]},
    }


def test_validate_args_fills_defaults_and_ignores_undeclared():
    assert validate_args({"page": {"type": "integer", "default": 1}}, {"other": "x"}) == {"page": 1}


# PHP's and WordPress's conversions at their edges (each case one a mutation of wcompat.args got past).


@pytest.mark.parametrize(
    ("value", "expected"),
    [("false", False), ("FALSE", False), ("True", True), ("1", True), (0, False), (1, True), (2, None), (1.0, None)],
)
def test_to_boolean_is_rest_is_boolean(value, expected):
    assert to_boolean(value) is expected


@pytest.mark.parametrize(("value", "expected"), [("5", True), ("5.0", True), (" 5", False), ("5.5", False)])
def test_integer_strings_are_integers_only_without_spaces(value, expected):
    assert is_integer_like(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [({"0": "a", "1": "b"}, True), ({"1": "a"}, False), ("a,b", True), (5, True), (True, False)],
)
def test_array_like_is_rest_is_array(value, expected):
    assert is_array_like(value) is expected


def test_the_best_type_prefers_string_for_empty_and_skips_unknown_types():
    assert best_type("", ["integer", "string"]) == "string"
    assert best_type(5, ["unknown", "integer"]) == "integer"
    assert best_type("x", ["integer"]) is None


def test_a_maximum_alone_is_inclusive():
    schema = {"type": "integer", "maximum": 10}
    assert validate_value(10, schema, "per_page") == 10
    with pytest.raises(ArgError) as raised:
        validate_value(11, schema, "per_page")
    assert (raised.value.code, raised.value.message) == (
        "rest_out_of_bounds",
        "per_page must be less than or equal to 10",
    )


def test_id_lists_keep_the_largest_id_and_are_bounded(settings):
    assert parse_id_list([MAX_ID, MAX_ID + 1]) == [MAX_ID, 0]
    settings.WCOMPAT_MAX_ID_LIST = 3
    with pytest.raises(ArgError) as raised:
        bounded_id_list("1,2,3,4", "include")
    assert (raised.value.code, raised.value.message) == ("rest_too_many_items", "include must contain at most 3 items.")


def test_an_invalid_date_time_and_a_label_ending_in_a_hyphen():
    with pytest.raises(ArgError) as raised:
        validate_value("not a date", {"type": "string", "format": "date-time"}, "after")
    assert (raised.value.code, raised.value.message) == ("rest_invalid_date", "Invalid date.")
    assert is_email("john@exam-.com") is False


def test_a_type_failure_names_its_param_in_its_details():
    with pytest.raises(WcAPIException) as raised:
        validate_args({"page": {"type": "integer"}}, {"page": "abc"})
    assert raised.value.as_dict()["data"]["details"] == {
        "page": {"code": "rest_invalid_type", "message": "page is not of type integer.", "data": {"param": "page"}}
    }


def test_an_empty_string_is_a_string_before_an_array():
    assert best_type("", ["array", "string"]) == "string"
    assert best_type("", ["array"]) == "array"  # WordPress: a scalar is an array of one


def test_lenient_values_are_cast_as_php_casts_them_in_arrays_too():
    schema = {"type": "array", "items": {"type": "integer"}}
    assert validate_value("5abc", {"type": "integer"}, "id", lenient=True) == 5
    assert validate_value(["5abc", 7], schema, "ids", lenient=True) == [5, 7]
    with pytest.raises(ArgError):
        validate_value(["5abc"], schema, "ids")


def test_numbers_are_checked_for_their_type_and_range():
    schema = {"type": "number", "maximum": 10}
    assert validate_value("2.5", schema, "amount") == 2.5
    with pytest.raises(ArgError) as raised:
        validate_value(10.5, schema, "amount")
    assert (raised.value.code, raised.value.message) == (
        "rest_out_of_bounds",
        "amount must be less than or equal to 10",
    )
    with pytest.raises(ArgError) as raised:
        validate_value("abc", schema, "amount")
    assert (raised.value.code, raised.value.message) == ("rest_invalid_type", "amount is not of type number.")


@pytest.mark.parametrize(
    ("text", "zoned", "instant"),
    [
        ("2026-03-01T10:00:00", False, datetime(2026, 3, 1, 10, tzinfo=UTC)),
        ("2026-03-01 10:00:00.5+02:00", True, datetime(2026, 3, 1, 8, 0, 0, 500000, tzinfo=UTC)),
        ("2026-03-01T10:00:00Z", True, datetime(2026, 3, 1, 10, tzinfo=UTC)),
    ],
)
def test_a_date_time_is_parsed_once_by_validation_and_keeps_the_clients_text(text, zoned, instant):
    value = validate_value(text, {"type": "string", "format": "date-time"}, "after")
    assert (value, value.zoned, value.instant) == (text, zoned, instant)
    assert isinstance(value, WpDate)


@pytest.mark.parametrize(
    ("text", "gmt", "bound"),
    [
        # No zone: the wall-clock time as written, in the site's zone (or as GMT with dates_are_gmt).
        ("2026-03-01T10:00:00.9", False, datetime(2026, 3, 1, 10, tzinfo=ZoneInfo("America/New_York"))),
        ("2026-03-01T10:00:00", True, datetime(2026, 3, 1, 10, tzinfo=UTC)),
        # A zone: converted to the site's wall clock first.
        ("2026-03-01T10:00:00Z", False, datetime(2026, 3, 1, 5, tzinfo=ZoneInfo("America/New_York"))),
        ("2026-03-01T10:00:00Z", True, datetime(2026, 3, 1, 5, tzinfo=UTC)),
    ],
)
def test_a_date_query_bound_is_the_sites_wall_clock_time(settings, text, gmt, bound):
    settings.TIME_ZONE = "America/New_York"
    value = validate_value(text, {"type": "string", "format": "date-time"}, "after")
    assert wp_date_query_bound(value, gmt=gmt) == bound
