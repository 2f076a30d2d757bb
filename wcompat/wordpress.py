"""WordPress's and PHP's own functions that WooCommerce's behaviour rests on, in Python, each as WordPress
has it: emails (`is_email`), logins (`sanitize_user`, `validate_username`, `remove_accents`), text
(`sanitize_text_field`) and PHP's integer casts (`absint`, `(int)`).

    >>> sanitize_text_field("  <b>Jo</b>\n  Ann ")
    'Jo Ann'
    >>> absint("-5abc")
    5
"""

import re
import unicodedata
from typing import Any

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


# The expressions these functions run on every request, compiled once (re.sub() looks each up in its cache).
_TAG = re.compile(r"<[^>]*>")
_BREAKS = re.compile(r"[\r\n\t ]+")
_OCTET = re.compile(r"%[a-fA-F0-9]{2}")
_ENTITY = re.compile(r"&.+?;")
_NOT_LOGIN = re.compile(r"[^a-z0-9 _.\-@]", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_LEADING_DIGITS = re.compile(r"\s*([+-]?\d+)")
_LEADING_NUMBER = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def sanitize_text_field(value: str) -> str:
    """WordPress sanitize_text_field(): no tags, no line breaks, whitespace collapsed and trimmed."""
    value = _TAG.sub("", value).replace("\x00", "")
    value = _BREAKS.sub(" ", value)
    return value.strip()


# remove_accents() letters that Unicode does not decompose into a letter and an accent.
_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th",
     "Þ": "TH", "ł": "l", "Ł": "L", "œ": "oe", "Œ": "OE", "\u0131": "i", "ŉ": "n", "ĸ": "k"}
)  # fmt: skip


def remove_accents(text: str) -> str:
    """WordPress remove_accents(): accented Latin letters become plain ones; anything else stays."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def sanitize_user(username: str, *, strict: bool = False) -> str:
    """WordPress sanitize_user(): only strict mode drops the characters a login may not have."""
    username = _TAG.sub("", username).replace("\x00", "")  # strip_tags() drops NUL too
    username = remove_accents(username)
    username = _OCTET.sub("", username)
    username = _ENTITY.sub("", username)
    if strict:
        username = _NOT_LOGIN.sub("", username)
    return _SPACES.sub(" ", username.strip())


def is_valid_username(username: str) -> bool:
    """WordPress validate_username(): not empty, and unchanged by strict sanitising."""
    return bool(username) and sanitize_user(username, strict=True) == username


def absint(value: Any) -> int:
    """PHP absint(): leading digits of the value, made non-negative; anything else is 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return abs(int(value))
    match = _LEADING_DIGITS.match(str(value))
    return abs(int(match.group(1))) if match else 0


def php_int(value: Any) -> int:
    """PHP's (int) cast: the leading number of a string ("5abc" is 5, "abc" is 0), floats truncated."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value and abs(value) < 2**63 else 0
    match = _LEADING_NUMBER.match(value) if isinstance(value, str) else None
    if not match:
        return 0
    text = match.group()
    return php_int(float(text)) if any(mark in text for mark in ".eE") else int(text)
