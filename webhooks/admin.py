"""Webhooks in the admin: subscriptions (saved through the services, with their checks as form errors), the
queue of deliveries, and the delivery log (each attempt: time, response code, duration, what came back)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from wcompat.authentication import site_base_url
from wcompat.exceptions import WcAPIException
from webhooks import services, topics
from webhooks.delivery import MAX_FAILURES
from webhooks.models import Delivery, DeliveryAttempt, Webhook
from webhooks.schema import VERSIONS
from webhooks.selectors import queue_health

RECENT_ATTEMPTS = 20


class WebhookForm(forms.ModelForm):
    topic = forms.ChoiceField(choices=lambda: [(topic, topic) for topic in topics.all_topics()])
    api_version = forms.ChoiceField(
        label="API version",
        choices=[(version.namespace, version.namespace) for version in VERSIONS],
        initial=VERSIONS[-1].namespace,
        help_text="The REST API version the resource in each delivery is rendered in.",
    )
    # Write-only, as in the API: the field is never filled in with the stored secret.
    secret = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"size": 60, "autocomplete": "new-password"}),
        help_text="Signs each delivery (X-WC-Webhook-Signature). It is never shown. Left empty: a new webhook "
        "gets a random one, an existing one keeps its own; a value replaces it.",
    )

    class Meta:
        model = Webhook
        fields = ("name", "status", "topic", "delivery_url", "secret", "api_version")
        widgets = {
            "name": forms.TextInput(attrs={"size": 60}),
            "delivery_url": forms.URLInput(attrs={"size": 60}),
        }
        help_texts = {
            "delivery_url": "Where deliveries are POSTed: an http:// or https:// URL.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial["secret"] = ""

    def clean(self) -> dict:
        data = super().clean()
        # The same checks the REST API makes, from the services, as form errors.
        checks = {
            "topic": lambda: services.check_topic(data.get("topic"), services.INVALID_TOPIC),
            "delivery_url": lambda: services.check_delivery_url(data.get("delivery_url")),
        }
        for field, check in checks.items():
            try:
                check()
            except WcAPIException as error:
                self.add_error(field, error.message)
        return data


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ("name", "status_why", "topic", "delivery_url", "failure_count", "api_version", "date_created")
    list_filter = ("status", "topic", "api_version")
    actions = ["enable_and_ping"]
    change_list_template = "admin/webhooks/webhook/change_list.html"
    search_fields = ("name", "delivery_url")
    readonly_fields = (
        "user",
        "failure_count",
        "pending_delivery",
        "date_created",
        "date_modified",
        "recent_deliveries",
    )
    fieldsets = (
        (None, {"fields": ("name", "status", "topic", "delivery_url", "secret", "api_version")}),
        ("State", {"fields": ("user", "failure_count", "pending_delivery", "date_created", "date_modified")}),
        ("Delivery log", {"fields": ("recent_deliveries",)}),
    )

    def changelist_view(self, request: HttpRequest, extra_context=None):
        # The queue's health above the list: what `manage.py webhooks_status` prints.
        return super().changelist_view(request, {**(extra_context or {}), "queue_health": queue_health()})

    @admin.display(description="Status", ordering="status")
    def status_why(self, webhook: Webhook) -> str:
        if webhook.status == Webhook.Status.DISABLED and webhook.failure_count > MAX_FAILURES:
            return f"Disabled after {webhook.failure_count} failed deliveries in a row"
        return webhook.get_status_display()

    @admin.action(description="Enable again and send a ping")
    def enable_and_ping(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        count = 0
        for webhook in queryset:
            services.webhook_enable(webhook=webhook)
            count += 1
        self.message_user(request, f"{count} webhook(s) enabled again; a ping is on its way.", messages.SUCCESS)

    def get_fieldsets(self, request: HttpRequest, obj: Webhook | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # View-only staff would see every field's value as text: the secret is shown as set or not.
        hidden = tuple("secret_status" if name == "secret" else name for name in fieldsets[0][1]["fields"])
        return ((None, {"fields": hidden}), *fieldsets[1:])

    def get_readonly_fields(self, request: HttpRequest, obj: Webhook | None = None):
        return (*super().get_readonly_fields(request, obj), "secret_status")

    @admin.display(description="Secret")
    def secret_status(self, webhook: Webhook) -> str:
        return "Set (never shown)" if webhook.secret else "Not set"

    def save_model(self, request: HttpRequest, obj: Webhook, form: WebhookForm, change: bool) -> None:
        data = form.cleaned_data
        if change:
            current = Webhook.objects.get(pk=obj.pk)
            services.webhook_update(
                webhook=current,
                editor=request.user,
                name=data["name"],
                status=data["status"],
                topic=data["topic"],
                delivery_url=data["delivery_url"],
                secret=data["secret"],
                api_version=data["api_version"],
            )
            return
        created = services.webhook_create(
            owner=request.user,
            topic=data["topic"],
            delivery_url=data["delivery_url"],
            name=data["name"],
            secret=data["secret"],
            status=data["status"],
            api_version=data["api_version"],
            site_url=site_base_url(request),
        )
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: Webhook) -> None:
        services.webhook_delete(webhook=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        for webhook in queryset:
            services.webhook_delete(webhook=webhook)

    @admin.display(description="Recent attempts")
    def recent_deliveries(self, webhook: Webhook) -> str:
        if not webhook.pk:
            return "—"
        attempts = (
            DeliveryAttempt.objects.filter(delivery__webhook=webhook)
            .select_related("delivery")
            .order_by("-time", "-id")[:RECENT_ATTEMPTS]
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} ms</td><td><code>{}</code></td></tr>",
            (
                (
                    timezone.localtime(attempt.time).strftime("%Y-%m-%d %H:%M:%S"),
                    attempt.delivery.topic,
                    attempt.attempt,
                    attempt.response_code or "no answer",
                    attempt.duration_ms,
                    (attempt.error or attempt.response_body)[:200],
                )
                for attempt in attempts
            ),
        )
        log_url = reverse("admin:webhooks_deliveryattempt_changelist") + f"?delivery__webhook__id__exact={webhook.pk}"
        return format_html(
            "<table><thead><tr><th>Time</th><th>Topic</th><th>Attempt</th><th>Response</th><th>Duration</th>"
            '<th>Body</th></tr></thead><tbody>{}</tbody></table><p><a href="{}">Whole log</a></p>',
            rows or mark_safe('<tr><td colspan="6">No delivery yet.</td></tr>'),
            log_url,
        )


def resource_link(delivery: Delivery) -> str:
    """The resource a delivery is about, linked to its admin page when its resource registered one."""
    url = topics.admin_url(delivery.topic, delivery.resource_id)
    label = f"{topics.resource(delivery.topic)} #{delivery.resource_id}" if delivery.resource_id else "—"
    return format_html('<a href="{}">{}</a>', url, label) if url else label


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """The queue: what waits to be sent (or retried), what was delivered, what failed for good. A delivery's page
    lists its attempts and says why it ended."""

    list_display = (
        "id",
        "webhook",
        "kind",
        "topic",
        "resource_link",
        "delivery_id",
        "state",
        "attempts",
        "next_attempt_at",
        "created",
    )
    list_filter = ("state", "kind", "topic")
    list_select_related = ("webhook",)
    search_fields = ("delivery_id",)
    actions = ["retry_now"]
    fields = (
        "webhook",
        "kind",
        "topic",
        "resource_link",
        "delivery_id",
        "state",
        "why",
        "attempts",
        "next_attempt_at",
        "locked_until",
        "created",
        "attempt_log",
    )
    readonly_fields = fields

    @admin.display(description="Resource")
    def resource_link(self, delivery: Delivery) -> str:
        return resource_link(delivery)

    @admin.display(description="Why it is in this state")
    def why(self, delivery: Delivery) -> str:
        last = delivery.log.order_by("-attempt", "-id").first()
        if delivery.state == Delivery.State.PENDING:
            return "Waiting for its first attempt." if last is None else f"Retried after attempt {last.attempt}."
        if delivery.state == Delivery.State.DELIVERED:
            return f"Answered {last.response_code} on attempt {last.attempt}." if last else "Delivered."
        if last is None:
            return "Failed: its webhook was no longer active."
        reason = last.error or f"answered {last.response_code}"
        return f"Failed for good after {last.attempt} attempt(s); the last one: {reason}."

    @admin.display(description="Attempts")
    def attempt_log(self, delivery: Delivery) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} ms</td><td><code>{}</code></td></tr>",
            (
                (
                    attempt.attempt,
                    timezone.localtime(attempt.time).strftime("%Y-%m-%d %H:%M:%S"),
                    attempt.response_code or "no answer",
                    attempt.duration_ms,
                    (attempt.error or attempt.response_body)[:500],
                )
                for attempt in delivery.log.order_by("attempt", "id")
            ),
        )
        return format_html(
            "<table><thead><tr><th>Attempt</th><th>Time</th><th>Response</th><th>Duration</th><th>Body</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            rows or mark_safe('<tr><td colspan="5">No attempt yet.</td></tr>'),
        )

    @admin.action(description="Send again now")
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = queryset.update(
            state=Delivery.State.PENDING, next_attempt_at=timezone.now(), locked_until=None, lease_token=""
        )
        self.message_user(request, f"{count} deliveries queued again.", messages.SUCCESS)


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    """The delivery log, kept WCOMPAT_WEBHOOK_LOG_DAYS days."""

    list_display = (
        "time",
        "webhook",
        "topic",
        "delivery_link",
        "resource_link",
        "attempt",
        "response_code",
        "duration_ms",
        "short_body",
    )
    list_filter = ("delivery__webhook", "response_code")
    list_select_related = ("delivery__webhook",)
    date_hierarchy = "time"

    @admin.display(description="Webhook")
    def webhook(self, attempt: DeliveryAttempt) -> Webhook:
        return attempt.delivery.webhook

    @admin.display(description="Topic")
    def topic(self, attempt: DeliveryAttempt) -> str:
        return attempt.delivery.topic

    @admin.display(description="X-WC-Webhook-Delivery-ID")
    def delivery_link(self, attempt: DeliveryAttempt) -> str:
        url = reverse("admin:webhooks_delivery_change", args=[attempt.delivery_id])
        return format_html('<a href="{}"><code>{}</code></a>', url, attempt.delivery.delivery_id)

    @admin.display(description="Resource")
    def resource_link(self, attempt: DeliveryAttempt) -> str:
        return resource_link(attempt.delivery)

    @admin.display(description="Response body")
    def short_body(self, attempt: DeliveryAttempt) -> str:
        return (attempt.error or attempt.response_body)[:120]
