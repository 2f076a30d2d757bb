"""wcompat.idempotency on its own: what makes two requests the same, what is kept, what is forgotten.

(The replay through the customers API, and a key sent in parallel or to a killed worker, are tested in
tests/test_hostile_input.py, tests/test_concurrency.py and tests/test_faults.py.)
"""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from customers.models import Customer
from tests.conftest import client_for
from tests.factories import make_api_key
from wcompat.exceptions import WcAPIException
from wcompat.models import IdempotencyRecord

pytestmark = pytest.mark.django_db
URL = "/wp-json/wc/v3/customers"


def post(api, key: str, body: dict | None = None, **extra):
    return api.post(URL, body or {"email": "same@example.com"}, format="json", HTTP_IDEMPOTENCY_KEY=key, **extra)


@pytest.mark.parametrize(
    "other",
    [
        lambda api: api.put(URL, {"email": "same@example.com"}, format="json", HTTP_IDEMPOTENCY_KEY="k"),
        lambda api: api.post(URL + "?x=1", {"email": "same@example.com"}, format="json", HTTP_IDEMPOTENCY_KEY="k"),
        lambda api: api.post(URL + "/batch", {"email": "same@example.com"}, format="json", HTTP_IDEMPOTENCY_KEY="k"),
        lambda api: api.post(
            URL,
            urlencode({"email": "same@example.com"}),
            content_type="application/x-www-form-urlencoded",
            HTTP_IDEMPOTENCY_KEY="k",
        ),
        lambda api: api.post(URL, {"email": "other@example.com"}, format="json", HTTP_IDEMPOTENCY_KEY="k"),
    ],
    ids=["method", "query", "path", "content-type", "body"],
)
def test_a_key_reused_for_another_request_is_409(api, other):
    assert post(api, "k").status_code == 201
    response = other(api)
    assert response.json() == {
        "code": "rest_idempotency_key_reused",
        "message": "This Idempotency-Key was already used with a different request.",
        "data": {"status": 409},
    }


def test_form_bodies_are_compared_by_their_fields(api):
    form = {"email": "form@example.com", "first_name": "A"}
    first = api.post(URL, urlencode(form), content_type="application/x-www-form-urlencoded", HTTP_IDEMPOTENCY_KEY="f")
    reordered = urlencode(dict(reversed(list(form.items()))))
    again = api.post(URL, reordered, content_type="application/x-www-form-urlencoded", HTTP_IDEMPOTENCY_KEY="f")
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")


def test_credentials_in_the_query_are_not_part_of_the_request(api, admin_key):
    base = f"{URL}?consumer_key={admin_key.plain_key}&consumer_secret={admin_key.consumer_secret}"
    one = api.post(base, {"email": "q@example.com"}, format="json", HTTP_IDEMPOTENCY_KEY="q")
    two = api.post(URL + "?oauth_nonce=other", {"email": "q@example.com"}, format="json", HTTP_IDEMPOTENCY_KEY="q")
    assert (one.status_code, two.status_code, two["Idempotent-Replayed"]) == (201, 201, "true")


def test_the_replay_carries_the_answers_headers(api):
    first = post(api, "h")
    again = post(api, "h")
    for name in ("Location", "ETag", "Content-Type", "Allow"):
        assert again[name] == first[name], name
    assert again.content == first.content


def test_a_long_key_is_refused_and_reads_ignore_keys(api):
    response = post(api, "k" * 256)
    assert response.json() == {
        "code": "rest_invalid_param",
        "message": "The Idempotency-Key header may not be longer than 255 characters.",
        "data": {"status": 400},
    }
    assert api.get(URL, HTTP_IDEMPOTENCY_KEY="read").status_code == 200
    assert not IdempotencyRecord.objects.exists()


def test_an_abandoned_claim_is_claimed_again(api, admin_key):
    IdempotencyRecord.objects.create(
        api_key=admin_key, key="dead", fingerprint="whatever", created=timezone.now() - timedelta(seconds=60)
    )
    # Its fingerprint differs: only a claim that is abandoned (its request died) may be taken over.
    assert post(api, "dead").status_code == 409
    IdempotencyRecord.objects.filter(key="dead").delete()
    assert post(api, "dead").status_code == 201
    record = IdempotencyRecord.objects.get(key="dead")
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        state=IdempotencyRecord.State.PROCESSING, created=timezone.now() - timedelta(seconds=60)
    )
    assert post(api, "dead", {"email": "same@example.com"}).status_code == 400  # ran again: the email is taken now
    assert Customer.objects.count() == 1


def test_the_body_is_read_as_its_content_type_says_whatever_its_parameters(api):
    body = b'{"email": "ct@example.com"}'
    first = api.post(URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="ct")
    again = api.post(URL, body, content_type="Application/JSON; charset=UTF-8", HTTP_IDEMPOTENCY_KEY="ct")
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")
    # The same bytes as plain text are another request (WordPress would not read them as JSON).
    assert api.post(URL, body, content_type="text/plain", HTTP_IDEMPOTENCY_KEY="ct").status_code == 409


def test_a_key_of_255_characters_is_kept_and_a_bodyless_delete_replays(api):
    assert post(api, "k" * 255).status_code == 201
    customer = Customer.objects.get()
    delete = f"{URL}/{customer.pk}?force=true"
    # As a client sends it: no body, no Content-Type.
    first = api.generic("DELETE", delete, content_type=None, HTTP_IDEMPOTENCY_KEY="d")
    again = api.generic("DELETE", delete, content_type=None, HTTP_IDEMPOTENCY_KEY="d")
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (200, 200, "true")


@pytest.mark.parametrize(
    "error",
    [RuntimeError("the database went away"), WcAPIException("rest_internal_error", "Something failed.", 500)],
    ids=["unexpected", "answered-500"],
)
def test_a_failed_answer_is_not_kept_so_the_retry_runs_again(api, monkeypatch, error):
    from customers import services

    create = services.customer_create

    def failing(**fields):
        raise error

    monkeypatch.setattr(services, "customer_create", failing)
    assert post(api, "retry").status_code == 500
    monkeypatch.setattr(services, "customer_create", create)
    retried = post(api, "retry")
    assert (retried.status_code, retried.has_header("Idempotent-Replayed")) == (201, False)


def test_an_api_keys_store_is_bounded_and_the_oldest_answers_go_first(api, settings):
    first = post(api, "k0", {"email": "c0@example.com"})
    size = IdempotencyRecord.objects.get().size
    assert size >= len(first.content)
    settings.WCOMPAT_IDEMPOTENCY_MAX_BYTES_PER_KEY = size * 3 + size // 2  # room for three answers
    other = client_for(make_api_key())
    post(other, "theirs", {"email": "theirs@example.com"})
    for number in range(1, 6):
        assert post(api, f"k{number}", {"email": f"c{number}@example.com"}).status_code == 201
    kept = IdempotencyRecord.objects.filter(api_key__user__username=api_user(api)).order_by("created", "id")
    assert [record.key for record in kept] == ["k3", "k4", "k5"]
    assert sum(record.size for record in kept) <= settings.WCOMPAT_IDEMPOTENCY_MAX_BYTES_PER_KEY
    assert IdempotencyRecord.objects.filter(key="theirs").exists()  # another key's budget is its own
    # A kept key replays; an evicted one runs again (here: the email is taken now).
    assert post(api, "k5", {"email": "c5@example.com"})["Idempotent-Replayed"] == "true"
    assert post(api, "k1", {"email": "c1@example.com"}).json()["code"] == "registration-error-email-exists"


def test_expired_records_are_pruned_by_normal_requests(api):
    post(api, "old", {"email": "old@example.com"})
    IdempotencyRecord.objects.update(created=timezone.now() - timedelta(hours=25))
    post(api, "new", {"email": "new@example.com"})
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def api_user(api) -> str:
    return api.get("/wp-json/wc/v3/customers?per_page=1").wsgi_request.user.username
