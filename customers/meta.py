"""Which customer meta keys the API lists and writes (WooCommerce's customer data store and WC_Data rules).

- Protected keys (WordPress is_protected_meta(): a leading `_`) are never listed and silently skipped on
  write (WooCommerce 9.5.2+).
- Internal keys are the customer's own data under WordPress meta names: never listed; writing one that
  has a setter sets that field (`first_name`, `billing_city`, ...), as WC_Data::update_meta_data() does;
  writing any other internal key does nothing.
"""

import json
import re
from functools import lru_cache
from typing import Any

INTERNAL_KEYS = frozenset(
    {
        "locale",
        "paying_customer",
        "last_update",
        "first_name",
        "last_name",
        "display_name",
        "show_admin_bar_front",
        "use_ssl",
        "admin_color",
        "rich_editing",
        "comment_shortcuts",
        "dismissed_wp_pointers",
        "show_welcome_panel",
        "session_tokens",
        "nickname",
        "description",
        "wptests_capabilities",
        "wptests_user_level",
        "syntax_highlighting",
        "_order_count",
        "_money_spent",
        "_last_order",
        "_woocommerce_tracks_anon_id",
    }
)
INTERNAL_PREFIXES = ("_woocommerce_persistent_cart", "closedpostboxes_", "metaboxhidden_", "manageedit-")
ADDRESS_KEY = re.compile(r"^(billing|shipping)_(.+)$")
# The table prefix of a WordPress site; keys containing it are the site's own (wp_capabilities, ...).
TABLE_PREFIX = "wp_"
_PROTECTED_SANITIZE = re.compile(r"[^\x20-\x7E\w]", re.UNICODE)


def is_protected(key: str) -> bool:
    """WordPress is_protected_meta(): the key, without unprintable characters, starts with `_`."""
    return _PROTECTED_SANITIZE.sub("", key).startswith("_")


def is_internal(key: str) -> bool:
    """A key WooCommerce keeps for itself and never lists among a customer's meta_data."""
    return (
        key in INTERNAL_KEYS
        or bool(ADDRESS_KEY.match(key))
        or key.startswith(INTERNAL_PREFIXES)
        or TABLE_PREFIX in key
        or key.lower().startswith("wp_")
    )


@lru_cache(maxsize=4096)
def is_listed(key: str) -> bool:
    """Whether the API lists an entry of this key among meta_data. Asked for every entry of every customer
    rendered, of a few keys mostly: remembered per key."""
    return not is_protected(key) and not is_internal(key)


def setter_field(key: str, address_fields: tuple[str, ...]) -> tuple[str, str | None] | None:
    """The customer field an internal key writes: ("first_name", None), ("billing", "city"), or None."""
    if key in ("first_name", "last_name", "display_name"):
        return key, None
    match = ADDRESS_KEY.match(key)
    if match and match.group(2) in address_fields:
        return match.group(1), match.group(2)
    return None


def encode_value(value: Any) -> str:
    """A meta value as it is stored: compact JSON, unicode kept."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
