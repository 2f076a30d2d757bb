"""WooCommerce REST API keys."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

# HMAC-SHA256 with the fixed key `wc-api` as its two padded hash states (RFC 2104), made once: a key's hash is then
# two copies and updates, where an HMAC made per call has OpenSSL look its algorithm up each time (2.5 times longer).
_WC_API_KEY = b"wc-api".ljust(hashlib.sha256().block_size, b"\0")
_INNER = hashlib.sha256(bytes(byte ^ 0x36 for byte in _WC_API_KEY))
_OUTER = hashlib.sha256(bytes(byte ^ 0x5C for byte in _WC_API_KEY))


def hash_consumer_key(consumer_key: str) -> str:
    """WooCommerce wc_api_hash(): HMAC-SHA256 of the key with the fixed key `wc-api`, lowercase hex."""
    inner = _INNER.copy()
    inner.update(consumer_key.encode("utf-8"))
    outer = _OUTER.copy()
    outer.update(inner.digest())
    return outer.hexdigest()


class ApiKey(models.Model):
    """A consumer key/secret pair that authenticates requests as its owner.

    Like WooCommerce's woocommerce_api_keys table, the consumer key is stored only as its HMAC-SHA256
    hash; the secret is kept, since OAuth 1.0a signatures are checked with it. The owner's Django
    permissions play the part of WordPress capabilities; `permissions` limits the key to reading,
    writing or both.
    """

    class Permissions(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Write")
        READ_WRITE = "read_write", _("Read/Write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("user")
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    permissions = models.CharField(
        _("permissions"), max_length=10, choices=Permissions.choices, default=Permissions.READ
    )
    consumer_key = models.CharField(_("consumer key hash"), max_length=64, unique=True, editable=False)
    consumer_secret = models.CharField(_("consumer secret"), max_length=43, editable=False)
    truncated_key = models.CharField(_("consumer key ending in"), max_length=7, editable=False)
    last_access = models.DateTimeField(_("last access"), null=True, blank=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.description or 'API key'} (…{self.truncated_key})"

    @property
    def can_read(self) -> bool:
        return self.permissions in (self.Permissions.READ, self.Permissions.READ_WRITE)

    @property
    def can_write(self) -> bool:
        return self.permissions in (self.Permissions.WRITE, self.Permissions.READ_WRITE)

    @classmethod
    def generate(cls, *, user, permissions: str, description: str = "") -> tuple["ApiKey", str, str]:
        """Create a key; returns it with the plaintext consumer key and secret, shown only once."""
        consumer_key = "ck_" + secrets.token_hex(20)
        consumer_secret = "cs_" + secrets.token_hex(20)
        if permissions not in cls.Permissions.values:
            permissions = cls.Permissions.READ
        key = cls.objects.create(
            user=user,
            description=description,
            permissions=permissions,
            consumer_key=hash_consumer_key(consumer_key),
            consumer_secret=consumer_secret,
            truncated_key=consumer_key[-7:],
        )
        return key, consumer_key, consumer_secret

    @classmethod
    def find(cls, consumer_key: str) -> "ApiKey | None":
        """The key with this consumer key, its owner loaded (see wcompat.keycache for the cached lookup).

        Two plain queries cost less than the ORM compiling one join.
        """
        table = cls._meta.db_table
        found = list(
            cls.objects.raw(f"SELECT * FROM {table} WHERE consumer_key = %s", [hash_consumer_key(consumer_key)])
        )
        if not found:
            return None
        key = found[0]
        user_model = get_user_model()
        users = list(user_model.objects.raw(f"SELECT * FROM {user_model._meta.db_table} WHERE id = %s", [key.user_id]))
        if not users:
            return None
        key.user = users[0]
        return key

    def secret_matches(self, consumer_secret: str) -> bool:
        return hmac.compare_digest(self.consumer_secret.encode(), consumer_secret.encode())


class OAuthNonce(models.Model):
    """A nonce an OAuth 1.0a request used; the unique constraint refuses its reuse on any server."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="nonces")
    nonce = models.CharField(max_length=255)
    timestamp = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "nonce"], name="wcompat_oauthnonce_unique_nonce")]
        indexes = [models.Index(fields=["timestamp"], name="wcompat_oauthnonce_timestamp")]
        verbose_name = _("OAuth nonce")
        verbose_name_plural = _("OAuth nonces")

    def __str__(self) -> str:
        return self.nonce


class IdempotencyRecord(models.Model):
    """The answer to a write sent with an `Idempotency-Key` header, kept 24 hours for its retries.

    Keys belong to the API key that sent them. While the first request runs the record is `processing`,
    so a parallel retry waits for it instead of running the write a second time.
    """

    class State(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        DONE = "done", _("Done")

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, path, parameters and body the key was first used with.
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROCESSING)
    status = models.PositiveSmallIntegerField(null=True)
    headers = models.JSONField(default=dict)
    body = models.BinaryField(default=b"")
    # Bytes kept for the answer (body and headers): a key's records are bounded by their total.
    size = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "key"], name="wcompat_idempotencyrecord_unique_key")]
        indexes = [
            models.Index(fields=["created"], name="wcompat_idempotency_created"),
            models.Index(fields=["api_key", "created"], name="wcompat_idempotency_key_age"),
        ]
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")

    def __str__(self) -> str:
        return self.key
