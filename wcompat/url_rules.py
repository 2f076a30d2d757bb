"""URLs as WooCommerce checks and WordPress cleans them before storing one (a webhook's delivery URL).

    is_valid_url("https://hooks.example/in?x=1")   ->  True     (wc_is_valid_url)
    esc_url_raw("https://hooks.example/a b[1]")      ->  "https://hooks.example/a%20b%5B1%5D"

wc_is_valid_url() wants a lower-case `http://` or `https://` prefix and PHP's FILTER_VALIDATE_URL: only
URL characters, a URL PHP can parse, and for http(s) a host that is a valid host name or a bracketed IPv6
address. Whether the address is public is checked when a request is sent (wcompat.safe_http), not here.
"""

import ipaddress
import re
from urllib.parse import urlsplit

# php_filter_url(): the characters FILTER_VALIDATE_URL lets through.
_URL_CHARACTERS = re.compile(r"^[A-Za-z0-9$\-_.+!*'(),{}|\\^~\[\]`<>#%\";/?:@&=]*$")
# is_userinfo_valid(): user and password characters, or %XX escapes.
_USERINFO = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*$")
_LABEL_CHARACTERS = re.compile(r"^[A-Za-z0-9-]*$")


def _is_hostname(host: str) -> bool:
    """PHP's _php_filter_validate_domain() with FILTER_FLAG_HOSTNAME."""
    if host.endswith("."):
        host = host[:-1]
    if not host or len(host) > 253:
        return False
    for label in host.split("."):
        if not label or len(label) > 63 or not _LABEL_CHARACTERS.match(label):
            return False
        if not (label[0].isalnum() and label[-1].isalnum()):
            return False
    return True


def _is_bracketed_ipv6(host: str) -> bool:
    if not (host.startswith("[") and host.endswith("]")):
        return False
    try:
        ipaddress.IPv6Address(host[1:-1])
    except ValueError:
        return False
    return True


def is_valid_url(url: str) -> bool:
    """wc_is_valid_url(): http:// or https:// (lower case, as written) and FILTER_VALIDATE_URL."""
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return False
    if not _URL_CHARACTERS.match(url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port  # a port that is not a number, or above 65535, is no URL
    except ValueError:
        return False
    del port
    netloc = parts.netloc
    userinfo, _, hostport = netloc.rpartition("@")
    if userinfo:
        user, _, password = userinfo.partition(":")
        if not _USERINFO.match(user) or not _USERINFO.match(password):
            return False
    host = hostport
    if host.startswith("["):
        host = host[: host.find("]") + 1] if "]" in host else host
    else:
        host = host.rsplit(":", 1)[0] if ":" in host else host
    if not host:
        return False
    return _is_bracketed_ipv6(host) or _is_hostname(host)


# esc_url(): the characters a URL keeps (the rest are dropped).
_ESC_URL_DROPPED = re.compile(r"[^a-z0-9\-~+_.?#=!&;,/:%@$|*'()\[\]\\\x80-\xff]", re.IGNORECASE)
_CRLF = ("%0d", "%0a", "%0D", "%0A")


def _deep_replace(search: tuple[str, ...], subject: str) -> str:
    """WordPress _deep_replace(): remove each string until none is left (so %0%0dd goes too)."""
    found = True
    while found:
        found = False
        for needle in search:
            if needle in subject:
                found = True
                subject = subject.replace(needle, "")
    return subject


def esc_url_raw(url: str, protocols: tuple[str, ...] = ("http", "https")) -> str:
    """WordPress esc_url_raw(): the URL as WordPress stores it, or "" for a protocol it does not allow."""
    if url == "":
        return url
    url = _ESC_URL_DROPPED.sub("", url.lstrip().replace(" ", "%20"))
    if url == "":
        return url
    if not url.lower().startswith("mailto:"):
        url = _deep_replace(_CRLF, url)
    url = url.replace(";//", "://")
    if ":" not in url and url[0] not in "/#?" and not re.match(r"^[a-z0-9-]+?\.php", url, re.IGNORECASE):
        url = "http://" + url
    if "[" in url or "]" in url:
        # Brackets are escaped after the host (where an IPv6 address keeps its own).
        parts = urlsplit(url)
        front = f"{url[: len(parts.scheme)]}://{parts.netloc}" if parts.scheme else ""
        start = len(front) if front and url.startswith(front) else 0
        url = url[:start] + url[start:].replace("[", "%5B").replace("]", "%5D")
    if url.startswith("/"):
        return url
    return _without_bad_protocol(url, protocols)


# A colon as wp_kses_bad_protocol() finds one: written, or as an HTML entity.
_KSES_COLON = re.compile(r":|&#0*58;|&#x0*3a;", re.IGNORECASE)


def _without_bad_protocol(url: str, protocols: tuple[str, ...]) -> str:
    """What esc_url() keeps after wp_kses_bad_protocol(): the URL with its scheme written as WordPress writes
    it (lower case), or "" when that changed more than the case (a protocol not allowed, an encoded colon).

    WordPress decodes character references in the scheme before comparing it; a scheme written with one
    (or with spaces) then differs from the URL it came from, which esc_url() refuses all the same.
    """
    colon = _KSES_COLON.search(url)
    if colon is None or "/?" in url[: colon.start()]:
        return url  # no protocol
    scheme = url[: colon.start()].lower()
    kept = f"{scheme}:{url[colon.end() :]}"
    return kept if scheme in protocols and kept.lower() == url.lower() else ""
