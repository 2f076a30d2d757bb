"""The customer domain: WordPress users as WooCommerce sees them, their addresses, orders and downloads."""

import re
import secrets

from django.contrib.auth.hashers import make_password
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.choices import AddressType, CustomerRole, OrderStatus

ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
    "email",
    "phone",
)
# The keys of each address the API has: a shipping address has no email.
KEYS_BY_ADDRESS = {
    AddressType.BILLING: ADDRESS_FIELDS,
    AddressType.SHIPPING: tuple(key for key in ADDRESS_FIELDS if key != "email"),
}


class CustomerQuerySet(models.QuerySet):
    def with_email(self, email: str) -> "CustomerQuerySet":
        """Customers with this email, in any letter case; the Upper(email) index answers it."""
        return self.alias(email_upper=Upper("email")).filter(email_upper=email.upper())

    def with_username(self, username: str) -> "CustomerQuerySet":
        """Customers with this login, in any letter case; the Upper(username) index answers it."""
        return self.alias(username_upper=Upper("username")).filter(username_upper=username.upper())

    def with_emails(self, upper_emails: set[str]) -> list[tuple[str, int]]:
        """Which of these (upper-cased) emails some customer has: (the email upper-cased, the customer's id);
        one query on the index."""
        return list(
            self.annotate(email_upper=Upper("email"))
            .filter(email_upper__in=upper_emails)
            .values_list("email_upper", "id")
        )

    def with_usernames(self, upper_usernames: set[str]) -> list[tuple[str, int]]:
        """Which of these (upper-cased) logins some customer has: (the login upper-cased, the customer's id);
        one query on the index."""
        return list(
            self.annotate(username_upper=Upper("username"))
            .filter(username_upper__in=upper_usernames)
            .values_list("username_upper", "id")
        )


class Customer(models.Model):
    """A WordPress user with WooCommerce's customer data.

    The id plays the WordPress user ID. Email is unique case-insensitively, as MySQL's collation makes
    it in WordPress. The password is kept only as a Django password hash.
    """

    username = models.CharField(_("username"), max_length=60, unique=True)
    email = models.CharField(_("email"), max_length=100)
    first_name = models.TextField(_("first name"), blank=True, default="")
    last_name = models.TextField(_("last name"), blank=True, default="")
    display_name = models.CharField(_("display name"), max_length=250, blank=True, default="")
    role = models.CharField(_("role"), max_length=20, choices=CustomerRole.choices, default=CustomerRole.CUSTOMER)
    password = models.CharField(_("password"), max_length=128, blank=True, default="")
    # WooCommerce's paying_customer flag: set once one of the customer's orders is paid or completed.
    is_paying_customer = models.BooleanField(_("paying customer"), default=False)
    date_created = models.DateTimeField(_("date created"), default=timezone.now)
    date_modified = models.DateTimeField(_("date modified"), null=True, blank=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            # Upper(), as Django's iexact lookup compares on PostgreSQL, so email lookups use this index.
            models.UniqueConstraint(
                Upper("email"),
                name="%(app_label)s_%(class)s_unique_email",
                violation_error_message=_("An account is already registered with this email address."),
            ),
            # WordPress logins are unique whatever their letter case (MySQL's collation).
            models.UniqueConstraint(
                Upper("username"),
                name="%(app_label)s_%(class)s_unique_username",
                violation_error_message=_("An account is already registered with that username."),
            ),
        ]
        # Each list ordering, with and without the default role filter, reads its page from an index.
        # Substring search has trigram indexes on PostgreSQL (migration 0002).
        indexes = [
            models.Index(fields=["role", "display_name", "id"], name="customers_role_name_id"),
            models.Index(fields=["display_name", "id"], name="customers_name_id"),
            models.Index(fields=["role", "date_created", "id"], name="customers_role_created_id"),
            models.Index(fields=["date_created", "id"], name="customers_created_id"),
            models.Index(fields=["role", "id"], name="customers_role_id"),
            # The sync extension: modified_after/modified_before and orderby=modified.
            models.Index(fields=["role", "date_modified", "id"], name="customers_role_modified_id"),
            models.Index(fields=["date_modified", "id"], name="customers_modified_id"),
            # The admin's list sorted by name.
            models.Index(fields=["last_name", "id"], name="customers_last_name_id"),
        ]
        permissions = [
            ("batch_customer", _("Can create, update and delete customers in batches")),
            ("export_personal_data", _("Can export a customer's personal data (administrators)")),
            ("erase_personal_data", _("Can erase a customer's personal data (administrators)")),
        ]

    def __str__(self) -> str:
        return f"{self.username} <{self.email}>"

    def set_password(self, raw_password: str) -> None:
        self.password = make_password(raw_password)


class CustomerMeta(models.Model):
    """A customer's meta data entry (WordPress user meta), as the v2/v3 API reads and writes it.

    The value is any JSON, kept as its JSON text so that it comes back exactly as it was sent (object
    key order included), on every database.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="meta")
    key = models.CharField(_("key"), max_length=255)
    value = models.TextField(_("value (JSON)"), default="null")

    class Meta:
        ordering = ["customer", "id"]
        verbose_name = _("meta data")
        verbose_name_plural = _("meta data")
        indexes = [models.Index(fields=["customer", "key"], name="customers_meta_cust_key")]

    def __str__(self) -> str:
        return self.key


class RoleCount(models.Model):
    """How many customers have each role: X-WP-Total of the unfiltered list, read in O(1).

    Kept by database triggers (migration 0004) in the same transaction as every insert, delete and role
    change of a customer, whatever writes it: the API, the admin, bulk imports, raw SQL.
    """

    role = models.CharField(_("role"), max_length=20, primary_key=True)
    count = models.BigIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("role count")
        verbose_name_plural = _("role counts")

    def __str__(self) -> str:
        return f"{self.role}: {self.count}"


class CustomerStats(models.Model):
    """A customer's order figures and last activity, as WooCommerce's Customers screen sorts and filters by them
    (its wc_customer_lookup table): one row per customer, kept by database triggers (migration 0009) in the same
    transaction as every write of a customer, an order or a `wc_last_active` meta row, whatever makes it.

    The figures are the API's: every order counts in `orders_count`, paid ones (processing, completed) in
    `paid_orders_count` and `total_spent`; the last order is the one with the highest id. The API computes its
    own from the orders; the admin reads these, so that a million customers sort by them from an index.
    """

    # No constraint and nothing done by Django on delete: the triggers create and delete the row.
    customer = models.OneToOneField(
        Customer, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="stats"
    )
    orders_count = models.BigIntegerField(_("orders"), default=0)
    paid_orders_count = models.BigIntegerField(_("paid orders"), default=0)
    total_spent = models.DecimalField(_("total spent"), max_digits=20, decimal_places=2, default=0)
    last_order_id = models.BigIntegerField(_("last order"), null=True, blank=True)
    # `wc_last_active`, in seconds (a UTC midnight); None when the meta is missing or not a number.
    last_active = models.BigIntegerField(_("last active"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer figures")
        verbose_name_plural = _("customer figures")
        indexes = [
            models.Index(fields=["orders_count", "customer"], name="customers_stats_orders"),
            models.Index(fields=["total_spent", "customer"], name="customers_stats_spent"),
            models.Index(fields=["last_order_id", "customer"], name="customers_stats_last_order"),
            models.Index(fields=["last_active", "customer"], name="customers_stats_active"),
        ]

    def __str__(self) -> str:
        return f"Figures of customer {self.customer_id}"

    @property
    def average_order_value(self):
        """Total spent per paid order (WooCommerce Analytics' AOV); None without paid orders."""
        return self.total_spent / self.paid_orders_count if self.paid_orders_count else None


PHONE_DIGITS_MAX = 64
_NOT_DIGIT = re.compile(r"[^0-9]")


def phone_digits(phone: str) -> str:
    """A phone number as the phone lookup compares it: its ASCII digits only ("+1 (555) 555-0100" -> "15555550100")."""
    return _NOT_DIGIT.sub("", phone or "")[:PHONE_DIGITS_MAX]


class Address(models.Model):
    """A customer's billing or shipping address; every value is a string, "" when unset.

    `phone_digits` is the phone reduced to its digits, indexed for the phone lookup; whatever writes an
    address sets it (save() here, the services' bulk writes through Address.build()).
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    type = models.CharField(_("type"), max_length=10, choices=AddressType.choices)
    first_name = models.TextField(_("first name"), blank=True, default="")
    last_name = models.TextField(_("last name"), blank=True, default="")
    company = models.TextField(_("company"), blank=True, default="")
    address_1 = models.TextField(_("address line 1"), blank=True, default="")
    address_2 = models.TextField(_("address line 2"), blank=True, default="")
    city = models.TextField(_("city"), blank=True, default="")
    state = models.TextField(_("state"), blank=True, default="")
    postcode = models.TextField(_("postcode"), blank=True, default="")
    country = models.TextField(_("country"), blank=True, default="")
    email = models.TextField(_("email"), blank=True, default="")
    phone = models.TextField(_("phone"), blank=True, default="")
    phone_digits = models.CharField(
        _("phone digits"), max_length=PHONE_DIGITS_MAX, blank=True, default="", editable=False
    )

    class Meta:
        ordering = ["customer", "type"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [models.UniqueConstraint(fields=["customer", "type"], name="%(app_label)s_%(class)s_unique_type")]
        indexes = [
            models.Index(fields=["phone_digits"], name="customers_address_phone"),
            # The admin: its country filter (and the list of countries), its search by city and by postcode.
            models.Index(fields=["type", "country", "customer"], name="customers_address_country"),
            models.Index(Upper("city"), name="customers_address_city"),
            models.Index(Upper("postcode"), name="customers_address_postcode"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} address of customer {self.customer_id}"

    def save(self, *args, **kwargs) -> None:
        self.phone_digits = phone_digits(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_digits"}
        super().save(*args, **kwargs)

    @classmethod
    def build(cls, customer_id: int, kind: str, values: dict[str, str]) -> "Address":
        """An unsaved address (for bulk writes), its phone digits set."""
        return cls(customer_id=customer_id, type=kind, phone_digits=phone_digits(values.get("phone", "")), **values)


def new_order_key() -> str:
    return "wc_order_" + secrets.token_hex(7)[:13]


class Order(models.Model):
    """The minimum of a WooCommerce order that customer statistics and downloads are computed from."""

    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders", verbose_name=_("customer")
    )
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=0)
    date_created = models.DateTimeField(_("date created"), default=timezone.now)
    order_key = models.CharField(_("order key"), max_length=40, default=new_order_key, unique=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        # Covers the per-customer figures (count, paid total, last order) of a page, read from the index alone.
        indexes = [models.Index(fields=["customer", "id", "status", "total"], name="customers_order_figures")]

    def __str__(self) -> str:
        return f"Order #{self.pk}"


class Download(models.Model):
    """A downloadable-product permission: which file of which product a customer may download, and how often.

    `downloads_remaining` None means unlimited; `access_expires` None means never.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="downloads")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="downloads")
    product_id = models.PositiveBigIntegerField(_("product id"))
    product_name = models.CharField(_("product name"), max_length=200, blank=True, default="")
    product_url = models.CharField(_("product URL"), max_length=500, blank=True, default="")
    download_id = models.CharField(_("download id"), max_length=36)
    download_name = models.CharField(_("file name"), max_length=200, blank=True, default="")
    file_url = models.CharField(_("file URL"), max_length=500, blank=True, default="")
    file_enabled = models.BooleanField(_("file enabled"), default=True)
    downloads_remaining = models.PositiveIntegerField(_("downloads remaining"), null=True, blank=True)
    access_expires = models.DateTimeField(_("access expires"), null=True, blank=True)
    email = models.CharField(_("billing email"), max_length=100, blank=True, default="")

    class Meta:
        ordering = ["order_id", "product_id", "id"]
        verbose_name = _("download permission")
        verbose_name_plural = _("download permissions")

    def __str__(self) -> str:
        return f"{self.download_name or self.download_id} for customer {self.customer_id}"


class ImportCheckpoint(models.Model):
    """Where an import_woocommerce run from a store got to: the stage and the next page, saved with each page's
    writes, so that a run started again continues there instead of from the beginning."""

    class Stage(models.TextChoices):
        CUSTOMERS = "customers", _("Customers")
        ORDERS = "orders", _("Orders")
        DOWNLOADS = "downloads", _("Downloads")
        DONE = "done", _("Done")

    source = models.CharField(_("source"), max_length=500, unique=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.CUSTOMERS)
    # The next page of the stage; for downloads, the id of the next customer whose downloads are read.
    position = models.PositiveBigIntegerField(_("position"), default=1)
    since = models.DateTimeField(_("since"), null=True, blank=True)
    # The tallies so far, so a resumed run's summary covers the whole import.
    tallies = models.JSONField(_("tallies"), default=dict)
    started = models.DateTimeField(_("started"), default=timezone.now)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("import checkpoint")
        verbose_name_plural = _("import checkpoints")

    def __str__(self) -> str:
        return f"{self.source}: {self.stage} {self.position}"


class PrivacyAudit(models.Model):
    """One export or erasure of a customer's personal data: when, by whom, of which customer, what kinds and how
    many. Never the data itself: the trail outlives an erased customer and names nothing of them but the id."""

    class Action(models.TextChoices):
        EXPORT = "export", _("export")
        ERASE = "erase", _("erasure")

    time = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    customer_id = models.BigIntegerField(_("customer id"))
    # Who asked: "user boss", "API key ck_…1a2b of user boss", "command line".
    actor = models.CharField(_("by"), max_length=200)
    via = models.CharField(_("through"), max_length=20)  # api, admin, command
    # {kind: count}, e.g. {"customer": 1, "orders": 3, "downloads": 0, "meta_data": 2}.
    counts = models.JSONField(_("kinds and counts"), default=dict)

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        indexes = [models.Index(fields=["customer_id"], name="customers_privacy_customer")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} of customer {self.customer_id}"
