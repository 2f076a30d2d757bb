"""What a key that may manage webhooks can and cannot reach through them: local services, and data its own
user may not read."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import CustomerFactory, UserFactory, make_api_key
from tests.webhooks.conftest import run_worker
from webhooks.models import DeliveryAttempt, Webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_only(settings):
    """Production's rules: no private addresses, no other ports."""
    settings.WCOMPAT_WEBHOOK_ALLOW_PRIVATE_URLS = False
    settings.WCOMPAT_SITE_URL = ""


def subscribe_as(api, receiver, **headers) -> dict:
    response = api.post(
        "/wp-json/wc/v3/webhooks",
        {"topic": "customer.updated", "delivery_url": f"{receiver.url}/hooks", "secret": "s"},
        format="json",
        **headers,
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_host_header_naming_loopback_opens_no_way_to_local_services(api, receiver, public_only):
    webhook = subscribe_as(api, receiver, HTTP_HOST="127.0.0.1")
    assert api.put(f"/wp-json/wc/v3/customers/{CustomerFactory().pk}", {}, format="json").status_code == 200
    run_worker()

    assert receiver.requests == []
    errors = set(DeliveryAttempt.objects.filter(delivery__webhook_id=webhook["id"]).values_list("error", flat=True))
    assert errors == {"http_request_failed: A valid URL was not provided."}


def test_the_configured_site_url_exempts_its_host_on_its_own_port_only(api, receiver, public_only, settings):
    port = receiver.server.server_address[1]
    subscribe_as(api, receiver)
    settings.WCOMPAT_SITE_URL = "http://127.0.0.1"  # the own host, but the receiver's port is not allowed
    run_worker()
    assert receiver.requests == []

    Webhook.objects.update(pending_delivery=True)
    subscribe_as(api, receiver)
    settings.WCOMPAT_SITE_URL = f"http://127.0.0.1:{port}"  # the own host on the site's own port
    run_worker()
    assert [request.path for request in receiver.pings()] == ["/hooks"]


@pytest.fixture
def shop_manager_api():
    """A key of a user who may manage webhooks and read customers, but is no administrator."""
    user = UserFactory(username="manager")
    codenames = ["manage_webhooks", "view_customer", "change_customer"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return client_for(make_api_key(user=user))


@pytest.mark.parametrize("change", [{"delivery_url": "/elsewhere"}, {"secret": "known-to-the-manager"}])
def test_a_webhook_changed_by_another_user_carries_only_what_that_user_may_read(
    api, shop_manager_api, receiver, change
):
    customer = CustomerFactory()
    api.put(f"/wp-json/wc/v3/customers/{customer.pk}", {"meta_data": [{"key": "crm", "value": "x"}]}, format="json")
    webhook = subscribe_as(api, receiver)
    if "delivery_url" in change:
        change = {"delivery_url": f"{receiver.url}{change['delivery_url']}"}
    response = shop_manager_api.put(f"/wp-json/wc/v3/webhooks/{webhook['id']}", change, format="json")
    assert response.status_code == 200, response.content
    assert Webhook.objects.get(pk=webhook["id"]).user.username == "manager"

    assert shop_manager_api.put(f"/wp-json/wc/v3/customers/{customer.pk}", {}, format="json").status_code == 200
    run_worker()
    [delivery] = receiver.deliveries()
    body = json.loads(delivery.body)
    assert "meta_data" not in body
    assert body == shop_manager_api.get(f"/wp-json/wc/v3/customers/{customer.pk}").json()


def test_a_change_that_points_nowhere_new_keeps_the_owner(api, shop_manager_api, receiver):
    webhook = subscribe_as(api, receiver)
    same = {"name": "Renamed", "delivery_url": f"{receiver.url}/hooks", "secret": "s"}
    assert shop_manager_api.put(f"/wp-json/wc/v3/webhooks/{webhook['id']}", same, format="json").status_code == 200
    assert Webhook.objects.get(pk=webhook["id"]).user.is_superuser


def test_a_batch_update_moves_the_owner_too(api, shop_manager_api, receiver):
    webhook = subscribe_as(api, receiver)
    batch = {"update": [{"id": webhook["id"], "secret": "new"}]}
    response = shop_manager_api.post("/wp-json/wc/v3/webhooks/batch", batch, format="json")
    assert response.status_code == 200
    assert "error" not in response.json()["update"][0]
    assert Webhook.objects.get(pk=webhook["id"]).user.username == "manager"


#
# The admin: the secret is write-only
#

SECRET = "do-not-show-me-4b1d"


def webhook_change_url(webhook: Webhook) -> str:
    return reverse("admin:webhooks_webhook_change", args=[webhook.pk])


def admin_form(webhook: Webhook, **changes) -> dict:
    data = {
        "name": webhook.name,
        "status": webhook.status,
        "topic": webhook.topic,
        "delivery_url": webhook.delivery_url,
        "secret": "",
        "api_version": webhook.api_version,
    }
    return {**data, **changes}


@pytest.fixture
def stored_webhook() -> Webhook:
    return Webhook.objects.create(
        name="CRM", topic="customer.updated", delivery_url="https://hooks.example/in", secret=SECRET, status="active"
    )


def test_the_admin_never_renders_a_webhook_secret_to_editors(admin_client, stored_webhook):
    assert SECRET not in admin_client.get(webhook_change_url(stored_webhook)).content.decode()
    assert SECRET not in admin_client.get(reverse("admin:webhooks_webhook_changelist")).content.decode()


def test_the_admin_never_renders_a_webhook_secret_to_view_only_staff(client, stored_webhook):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_webhook"))
    client.force_login(viewer)
    response = client.get(webhook_change_url(stored_webhook))
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET not in html
    assert "Set (never shown)" in html


def test_an_empty_secret_field_keeps_the_secret_and_a_value_replaces_it(admin_client, stored_webhook):
    url = webhook_change_url(stored_webhook)
    response = admin_client.post(url, admin_form(stored_webhook, name="Renamed"))
    assert response.status_code == 302
    stored_webhook.refresh_from_db()
    assert (stored_webhook.name, stored_webhook.secret) == ("Renamed", SECRET)

    assert admin_client.post(url, admin_form(stored_webhook, secret="replaced")).status_code == 302
    stored_webhook.refresh_from_db()
    assert stored_webhook.secret == "replaced"


def test_an_update_writes_only_the_fields_it_was_given(api, receiver):
    from webhooks.services import webhook_update

    webhook = subscribe_as(api, receiver)
    stale = Webhook.objects.get(pk=webhook["id"])  # read by one request before another's update lands
    assert api.put(f"/wp-json/wc/v3/webhooks/{webhook['id']}", {"name": "Renamed"}, format="json").status_code == 200
    webhook_update(webhook=stale, status="paused")
    stored = Webhook.objects.get(pk=webhook["id"])
    assert (stored.name, stored.status) == ("Renamed", "paused")


def test_updating_a_webhook_deleted_meanwhile_is_a_clear_error(api, receiver):
    from wcompat.exceptions import WcAPIException
    from webhooks.services import webhook_update

    webhook = subscribe_as(api, receiver)
    stale = Webhook.objects.get(pk=webhook["id"])
    Webhook.objects.filter(pk=webhook["id"]).delete()
    with pytest.raises(WcAPIException, match="ID is invalid"):
        webhook_update(webhook=stale, name="x")


def test_staff_who_change_a_webhooks_api_version_in_the_admin_become_its_owner(client, stored_webhook):
    editor = UserFactory(username="editor", is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_webhook", "change_webhook"]))
    client.force_login(editor)
    stored_webhook.api_version = "wc/v1"
    stored_webhook.user = UserFactory(username="boss", admin=True)
    stored_webhook.save()
    response = client.post(webhook_change_url(stored_webhook), admin_form(stored_webhook, api_version="wc/v3"))
    assert response.status_code == 302
    stored_webhook.refresh_from_db()
    assert (stored_webhook.api_version, stored_webhook.user.username) == ("wc/v3", "editor")


def test_a_webhook_of_an_inactive_owner_delivers_the_apis_403(api, receiver):
    webhook = subscribe_as(api, receiver)
    UserFactory(username="gone", admin=True, is_active=False)
    Webhook.objects.filter(pk=webhook["id"]).update(user=UserFactory(username="gone"))
    customer = CustomerFactory()
    assert api.put(f"/wp-json/wc/v3/customers/{customer.pk}", {}, format="json").status_code == 200
    run_worker()
    [delivery] = receiver.deliveries()
    assert json.loads(delivery.body) == {
        "code": "woocommerce_rest_cannot_view",
        "message": "Sorry, you cannot view this resource.",
        "data": {"status": 403},
    }
