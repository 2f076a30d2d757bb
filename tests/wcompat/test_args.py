import pytest

from wcompat.args import (
    MAX_ID,
    ArgError,
    absint,
    is_email,
    parse_id_list,
    sanitize_text_field,
    validate_args,
    validate_value,
    wp_list,
)
from wcompat.exceptions import WcAPIException


@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("john.doe@example.com", True),
        ("ab@c.d", True),
        ("a@b.c", False),  # shorter than 6 characters
        ("not-an-email", False),
        ("@example.com", False),
        ("john@localhost", False),  # one label
        ("john@exa..mple.com", False),
        ("john@-example.com", False),
        ("jo hn@example.com", False),
        ("john@exämple.com", False),
        ("o'brien+tag@example.co.uk", True),
        ("", False),
    ],
)
def test_is_email_follows_wordpress(address, valid):
    assert is_email(address) is valid


@pytest.mark.parametrize(
    ("items", "text"),
    [(["a"], "a"), (["a", "b"], "a and b"), (["view", "edit", "embed"], "view, edit, and embed")],
)
def test_wp_list_formats_like_wp_sprintf(items, text):
    assert wp_list(items) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [("5", 5), ("-5", 5), ("abc", 0), ("3.7", 3), (" 12", 12), (7, 7), (-2.5, 2)],
)
def test_absint_matches_php(value, expected):
    assert absint(value) == expected


def test_parse_id_list_accepts_strings_lists_and_drops_duplicates():
    assert parse_id_list("1,2 3,,2") == [1, 2, 3]
    assert parse_id_list(["4", 5, "-6"]) == [4, 5, 6]
    assert parse_id_list("abc") == [0]
    assert parse_id_list(str(MAX_ID + 1)) == [0]


def test_sanitize_text_field_strips_tags_and_collapses_whitespace():
    assert sanitize_text_field("  <b>Jo</b>\n  Ann\x00 ") == "Jo Ann"


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
