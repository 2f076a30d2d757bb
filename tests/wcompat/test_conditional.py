"""wcompat.conditional on its own: ETags, If-None-Match's weak and If-Match's strong comparison."""

import pytest

from wcompat import conditional
from wcompat.exceptions import WcAPIException

ITEM = {"id": 5, "name": "Ada", "tags": ["a", "b"]}


def test_an_etag_is_strong_quoted_and_follows_the_representation():
    tag = conditional.etag(ITEM)
    assert (tag[0], tag[-1], len(tag)) == ('"', '"', 34)
    assert conditional.etag(dict(ITEM)) == tag
    assert conditional.etag({**ITEM, "name": "Ada "}) != tag


@pytest.mark.parametrize(
    ("header", "current"),
    [('"x"', True), ('W/"x"', True), ('"y", "x"', True), ("*", True), ('"y"', False), ("", False), (None, False)],
)
def test_if_none_match_compares_weakly(header, current):
    assert conditional.none_match(header, '"x"') is current


@pytest.mark.parametrize(
    ("header", "holds"),
    [('"x"', True), ('"y" , "x"', True), ("*", True), ('W/"x"', False), ('"y"', False), (5, False), (None, False)],
)
def test_if_match_compares_strongly(header, holds):
    assert conditional.if_match_holds(header, '"x"') is holds


def test_if_match_on_a_missing_item_never_holds():
    assert conditional.if_match_holds("*", None) is False


def test_a_precondition_checks_the_item_as_stored():
    check = conditional.if_match_precondition(conditional.etag(ITEM), conditional.etag)
    check(ITEM)  # unchanged: passes
    with pytest.raises(WcAPIException) as failed:
        check({**ITEM, "name": "Changed"})
    assert failed.value.as_dict() == {
        "code": "rest_precondition_failed",
        "message": "The resource has changed since it was read: its ETag no longer matches If-Match.",
        "data": {"status": 412},
    }


def test_a_precondition_on_an_item_gone_meanwhile_fails():
    with pytest.raises(WcAPIException):
        conditional.if_match_precondition("*", conditional.etag)(None)
