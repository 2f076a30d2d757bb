"""API keys cached per process for a few seconds, so an authenticated read costs no key queries.

A key, its owner and the owner's permissions are read from the database at most once every
WCOMPAT_KEY_CACHE_SECONDS (3) per process. A key deleted, downgraded (read_write -> read) or whose owner
lost a permission therefore stops working on every server process within that many seconds; in the
process that made the change, at once (the signals below).
"""

import threading
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save

from wcompat import conf
from wcompat.models import ApiKey, hash_consumer_key

_lock = threading.Lock()
_keys: dict[str, tuple[float, ApiKey | None]] = {}
# Unknown keys are remembered for a shorter time, so a new key works almost at once.
UNKNOWN_SECONDS = 0.5
MAX_ENTRIES = 10000


def find_key(consumer_key: str) -> ApiKey | None:
    """The key with this consumer key and its owner, from this process's cache while it is fresh."""
    digest = hash_consumer_key(consumer_key)
    now = time.monotonic()
    entry = _keys.get(digest)
    if entry is not None and entry[0] > now:
        return entry[1]
    key = ApiKey.find(consumer_key)
    lifetime = conf.get("KEY_CACHE_SECONDS") if key is not None else min(UNKNOWN_SECONDS, conf.get("KEY_CACHE_SECONDS"))
    with _lock:
        if len(_keys) >= MAX_ENTRIES:
            _keys.clear()
        _keys[digest] = (now + lifetime, key)
    return key


def clear(**_kwargs) -> None:
    """Forget every cached key (this process): a key, a user or a permission changed."""
    with _lock:
        _keys.clear()


post_save.connect(clear, sender=ApiKey, dispatch_uid="wcompat.keycache.key_saved")
post_delete.connect(clear, sender=ApiKey, dispatch_uid="wcompat.keycache.key_deleted")
post_save.connect(clear, sender=get_user_model(), dispatch_uid="wcompat.keycache.user_saved")
post_delete.connect(clear, sender=get_user_model(), dispatch_uid="wcompat.keycache.user_deleted")
post_save.connect(clear, sender=Group, dispatch_uid="wcompat.keycache.group_saved")
post_delete.connect(clear, sender=Permission, dispatch_uid="wcompat.keycache.permission_deleted")
m2m_changed.connect(clear, dispatch_uid="wcompat.keycache.m2m")
