"""wcompat.error_codes on a throwaway enum: a code carries its usual message and status into its exception."""

from rest_framework.exceptions import APIException

from wcompat.error_codes import ErrorCode, WcErrorCode
from wcompat.exceptions import WcAPIException


class NoteErrorCode(ErrorCode):
    MISSING = "note_missing", "No such note.", 404
    BAD = "note_bad"


def test_a_code_is_its_string_and_carries_its_message_and_status():
    assert NoteErrorCode.MISSING == "note_missing"
    assert (NoteErrorCode.MISSING.message, NoteErrorCode.MISSING.status) == ("No such note.", 404)
    assert (NoteErrorCode.BAD.message, NoteErrorCode.BAD.status) == ("", 400)


def test_its_exception_is_drfs_with_wordpresss_shape():
    error = NoteErrorCode.MISSING.error()
    assert isinstance(error, WcAPIException)
    assert isinstance(error, APIException)
    assert (str(error), error.status_code) == ("No such note.", 404)
    assert error.as_dict() == {"code": "note_missing", "message": "No such note.", "data": {"status": 404}}


def test_message_status_and_data_can_be_given():
    error = NoteErrorCode.BAD.error("Too short.", 422, params={"title": "Too short."})
    assert error.as_dict() == {
        "code": "note_bad",
        "message": "Too short.",
        "data": {"status": 422, "params": {"title": "Too short."}},
    }


def test_every_wordpress_code_with_a_message_answers_it():
    for code in WcErrorCode:
        error = code.error()
        assert (error.code, error.message, error.status_code) == (code.value, code.message, code.status)
