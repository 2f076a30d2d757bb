from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

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
        obj.truncated_key = key.truncated_key
        obj.credentials = (consumer_key, consumer_secret)  # for response_add, this request only

    def response_add(self, request: HttpRequest, obj: ApiKey, post_url_continue=None) -> HttpResponse:
        """As WooCommerce's key screen: the new credentials once, in read-only fields with a Copy button, on the
        answer to the form (not a page that could be opened again)."""
        consumer_key, consumer_secret = obj.credentials
        messages.success(request, f"The API key “{obj}” was added.")
        context = {
            **self.admin_site.each_context(request),
            "title": "API key generated",
            "key": obj,
            "consumer_key": consumer_key,
            "consumer_secret": consumer_secret,
            "changelist_url": reverse("admin:wcompat_apikey_changelist"),
        }
        return TemplateResponse(request, "admin/wcompat/apikey/credentials.html", context)
