from django.contrib import admin, messages
from django.http import HttpRequest

from wcompat.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """API keys: the consumer key hash is never shown; a new key's credentials are shown once."""

    list_display = ("description", "truncated_key", "permissions", "user", "last_access", "created")
    list_filter = ("permissions",)
    search_fields = ("description", "truncated_key", "user__username")
    ordering = ("-id",)
    readonly_fields = ("truncated_key", "last_access", "created")
    fields = ("user", "description", "permissions", "truncated_key", "last_access", "created")
    autocomplete_fields = ("user",)

    def save_model(self, request: HttpRequest, obj: ApiKey, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, consumer_key, consumer_secret = ApiKey.generate(
            user=obj.user, permissions=obj.permissions, description=obj.description
        )
        obj.pk = key.pk
        messages.warning(
            request,
            f"Consumer key: {consumer_key} — Consumer secret: {consumer_secret}. "
            "Copy them now: the consumer key cannot be shown again.",
        )
