"""The extensions beyond WooCommerce: date filters for incremental sync, lookup by phone, conditional requests.

Each is something WooCommerce clients never send; without it, nothing changes.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from customers import services
from customers.models import Customer, Order
from customers.selectors import customer_get
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
URL = "/wp-json/wc/v3/customers"
T0 = datetime(2026, 3, 10, 12, 0, 0, tzinfo=UTC)


def ids(api, **params) -> list[int]:
    response = api.get(URL, {"orderby": "id", **params})
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()]


@pytest.fixture
def dated():
    """Four customers created and modified at known instants (the last one a fraction past a second)."""
    customers = []
    for index, seconds in enumerate((0, 59, 60, 60.5)):
        customer = CustomerFactory(username=f"dated{index}")
        moment = T0 + timedelta(seconds=seconds)
        Customer.objects.filter(pk=customer.pk).update(date_created=moment, date_modified=moment + timedelta(days=1))
        customers.append(customer.pk)
    return customers


#
# Date filters
#


def test_after_and_before_are_exclusive_at_whole_seconds(api, dated):
    assert ids(api, after="2026-03-10T12:00:59") == dated[2:]
    assert ids(api, after="2026-03-10T12:00:58.999") == dated[1:]  # the fraction is dropped, as MySQL's is
    assert ids(api, before="2026-03-10T12:01:00") == dated[:2]
    assert ids(api, after="2026-03-10T12:00:00", before="2026-03-10T12:01:01") == dated[1:]
    assert ids(api, modified_after="2026-03-11T12:00:59") == dated[2:]
    assert ids(api, modified_before="2026-03-11T12:00:59") == dated[:1]


def test_a_date_with_a_zone_is_converted(api, dated):
    assert ids(api, after="2026-03-10T13:00:59+01:00") == dated[2:]
    assert ids(api, before="2026-03-10T12:01:00Z") == dated[:2]


def test_site_time_and_gmt(api, dated, settings):
    settings.TIME_ZONE = "Europe/Paris"  # UTC+1 in March
    # Without dates_are_gmt a date without zone is the site's time; with it, GMT.
    assert ids(api, after="2026-03-10T13:00:59") == dated[2:]
    assert ids(api, after="2026-03-10T12:00:59", dates_are_gmt="true") == dated[2:]
    assert ids(api, after="2026-03-10T12:00:59") == dated  # 12:00:59 in Paris is 11:00:59 GMT


def test_site_time_is_time_zone_whatever_zone_is_active(api, dated, settings):
    # WordPress's timezone_string is one setting for the site: a zone activated for a request moves nothing.
    settings.TIME_ZONE = "Europe/Paris"
    with timezone.override("Asia/Tokyo"):
        assert ids(api, after="2026-03-10T13:00:59") == dated[2:]
        item = api.get(f"{URL}/{dated[0]}").json()
    assert (item["date_created"], item["date_created_gmt"]) == ("2026-03-10T13:00:00", "2026-03-10T12:00:00")


def test_filters_combine_with_paging_search_and_role(api, dated):
    Customer.objects.filter(pk=dated[3]).update(role="subscriber")
    response = api.get(URL, {"after": "2026-03-10T11:00:00", "per_page": 2, "orderby": "id"})
    assert [item["id"] for item in response.json()] == dated[:2]
    assert (response["X-WP-Total"], response["X-WP-TotalPages"]) == ("3", "2")
    assert "after=2026-03-10T11%3A00%3A00" in response["Link"]
    assert ids(api, after="2026-03-10T11:00:00", role="all", search="dated3") == [dated[3]]
    assert ids(api, after="2026-03-10T11:00:00", role="subscriber") == [dated[3]]


def test_orderby_modified_pages_by_modification_time(api, dated):
    Customer.objects.filter(pk=dated[0]).update(date_modified=T0 + timedelta(days=5))
    assert ids(api, orderby="modified", order="asc") == [*dated[1:], dated[0]]
    assert ids(api, orderby="modified", order="desc") == [dated[0], *dated[1:][::-1]]


def test_bad_dates_are_refused_as_woocommerce_refuses_them(api):
    response = api.get(URL, {"modified_after": "last tuesday", "dates_are_gmt": "maybe"})
    assert response.status_code == 400
    assert response.json()["data"]["params"] == {
        "modified_after": "Invalid date.",
        "dates_are_gmt": "dates_are_gmt is not of type boolean.",
    }


def test_extensions_are_invisible_to_wordpress_discovery_and_marked_in_openapi(api, client):
    args = api.options(URL).json()["endpoints"][0]["args"]
    assert not {"after", "modified_after", "dates_are_gmt", "phone"} & set(args)
    assert args["orderby"]["enum"] == ["id", "include", "name", "registered_date"]
    assert api.get(URL, {"orderby": "nope"}).json()["data"]["params"] == {
        "orderby": "orderby is not one of id, include, name, and registered_date."
    }
    schema = client.get("/api/schema/", {"format": "json"}).json()
    parameters = {item["name"]: item for item in schema["paths"]["/wp-json/wc/v3/customers"]["get"]["parameters"]}
    assert parameters["modified_after"]["x-wcompat-extension"] is True
    assert parameters["phone"]["description"].startswith("Extension (not in WooCommerce)")
    assert "modified" in parameters["orderby"]["schema"]["enum"]


#
# date_modified moves with every visible change
#


def modified(customer_id: int):
    return Customer.objects.values_list("date_modified", flat=True).get(pk=customer_id)


@pytest.mark.parametrize(
    "change",
    [{"first_name": "X"}, {"billing": {"city": "Oslo"}}, {"meta_data": [{"key": "crm", "value": 1}]}],
    ids=["profile", "address", "meta_data"],
)
def test_a_change_through_the_api_moves_date_modified(api, change):
    customer = CustomerFactory()
    Customer.objects.filter(pk=customer.pk).update(date_modified=T0)
    api.put(f"{URL}/{customer.pk}", change, format="json")
    assert modified(customer.pk) > T0


def test_order_changes_move_date_modified(db):
    customer = CustomerFactory()
    Customer.objects.filter(pk=customer.pk).update(date_modified=T0)
    order = services.order_save(Order(customer=customer, status="pending", total="10"))
    first = modified(customer.pk)
    assert first > T0  # orders_count changed
    order.status = "completed"
    services.order_save(order)  # total_spent and is_paying_customer changed
    second = modified(customer.pk)
    assert second >= first
    Customer.objects.filter(pk=customer.pk).update(date_modified=T0)
    services.order_delete(order)
    assert modified(customer.pk) > T0


#
# Lookup by phone
#


def test_lookup_by_phone_digits_in_billing_or_shipping(api):
    billing = CustomerFactory(addresses={"billing": {"phone": "15555550100"}})
    shipping = CustomerFactory(addresses={"shipping": {"phone": "+44 20 7946 0958"}})
    CustomerFactory(addresses={"billing": {"phone": "5555550100"}})
    assert ids(api, phone="+1 (555) 555-0100") == [billing.pk]
    assert ids(api, phone="442079460958") == [shipping.pk]
    assert ids(api, phone="no digits") == []
    assert len(ids(api, phone="")) == 3  # empty: no filter


def test_the_phone_lookup_follows_updates(api):
    customer = CustomerFactory()
    api.put(f"{URL}/{customer.pk}", {"billing": {"phone": "(0)6 12-34-56-78"}}, format="json")
    assert ids(api, phone="0612345678") == [customer.pk]
    created = api.post(URL, {"email": "p@example.com", "shipping": {"phone": "+33 1 23"}}, format="json").json()
    assert ids(api, phone="33123") == [created["id"]]


#
# Conditional requests
#


def test_etag_and_if_none_match(api):
    customer = CustomerFactory()
    response = api.get(f"{URL}/{customer.pk}")
    etag = response["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    not_modified = api.get(f"{URL}/{customer.pk}", HTTP_IF_NONE_MATCH=etag)
    assert (not_modified.status_code, not_modified.content, not_modified["ETag"]) == (304, b"", etag)
    assert api.get(f"{URL}/{customer.pk}", HTTP_IF_NONE_MATCH='"other"').status_code == 200
    # The representation differs per version, and so does its ETag.
    assert api.get(f"/wp-json/wc/v1/customers/{customer.pk}")["ETag"] != etag


def test_if_match_guards_updates(api):
    customer = CustomerFactory(first_name="Old")
    etag = api.get(f"{URL}/{customer.pk}")["ETag"]
    api.put(f"{URL}/{customer.pk}", {"last_name": "Someone else"}, format="json")
    stale = api.put(f"{URL}/{customer.pk}", {"first_name": "Mine"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["code"] == "rest_precondition_failed"
    assert stale.json()["data"] == {"status": 412}
    assert Customer.objects.get(pk=customer.pk).first_name == "Old"

    current = api.get(f"{URL}/{customer.pk}")["ETag"]
    fresh = api.put(f"{URL}/{customer.pk}", {"first_name": "Mine"}, format="json", HTTP_IF_MATCH=current)
    assert fresh.status_code == 200
    assert fresh["ETag"] == api.get(f"{URL}/{customer.pk}")["ETag"] != current
    assert api.patch(f"{URL}/{customer.pk}", {}, format="json", HTTP_IF_MATCH="*").status_code == 200


def test_if_match_guards_deletes(api):
    customer = CustomerFactory()
    assert api.delete(f"{URL}/{customer.pk}?force=true", HTTP_IF_MATCH='"stale"').status_code == 412
    assert Customer.objects.filter(pk=customer.pk).exists()
    etag = api.get(f"{URL}/{customer.pk}")["ETag"]
    assert api.delete(f"{URL}/{customer.pk}?force=true", HTTP_IF_MATCH=etag).status_code == 200


def test_batch_items_carry_their_own_if_match(api):
    kept, changed, deleted = CustomerFactory(), CustomerFactory(), CustomerFactory()
    tags = {pk: api.get(f"{URL}/{pk}")["ETag"] for pk in (kept.pk, changed.pk, deleted.pk)}
    response = api.post(
        f"{URL}/batch",
        {
            "update": [
                {"id": kept.pk, "first_name": "No", "if_match": '"stale"'},
                {"id": changed.pk, "first_name": "Yes", "if_match": tags[changed.pk]},
            ],
            "delete": [{"id": deleted.pk, "if_match": '"stale"'}],
        },
        format="json",
    ).json()
    assert response["update"][0]["error"]["code"] == "rest_precondition_failed"
    assert response["update"][1]["first_name"] == "Yes"
    assert response["delete"][0]["error"]["data"] == {"status": 412}
    assert Customer.objects.get(pk=kept.pk).first_name != "No"
    assert Customer.objects.filter(pk=deleted.pk).exists()


def test_the_lock_rereads_the_customer(db):
    """The If-Match check inside the write sees what is stored, not what the request read earlier."""
    customer = CustomerFactory(first_name="A")
    record = customer_get(customer.pk)
    Customer.objects.filter(pk=customer.pk).update(first_name="B")
    seen = []
    services.customer_update(customer=record, last_name="C", precondition=lambda fresh: seen.append(fresh.first_name))
    assert seen == ["B"]


#
# An incremental sync, round by round, against a full read
#


def full_read(api) -> dict[int, dict]:
    return {item["id"]: item for item in api.get(URL, {"per_page": 100, "role": "all"}).json()}


def sync_round(api, mirror: dict[int, dict], cursor: datetime | None) -> datetime | None:
    """One round of a syncing client: every page of what changed since its cursor, by modification time."""
    params = {"orderby": "modified", "order": "asc", "per_page": 2, "role": "all", "dates_are_gmt": "true"}
    if cursor:
        # `after` is exclusive at whole seconds: ask from the cursor's second on (the client dedupes by id).
        params["modified_after"] = (cursor - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
    page = 1
    while True:
        response = api.get(URL, {**params, "page": page})
        for item in response.json():
            mirror[item["id"]] = item
            seen = datetime.fromisoformat(item["date_modified_gmt"]).replace(tzinfo=UTC)
            cursor = max(cursor or seen, seen)
        if page >= int(response["X-WP-TotalPages"]):
            return cursor
        page += 1


def test_an_incremental_sync_ends_with_what_a_full_read_sees(api, monkeypatch):
    clock = [T0]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])  # each round of writes happens a minute later
    # Each kind of change has customers of its own, so a change that failed to move date_modified would
    # leave a stale copy behind.
    groups = {
        kind: [services.customer_create(email=f"{kind}{number}@example.com").id for number in range(4)]
        for kind in ("profile", "address", "meta", "order", "delete")
    }
    mirror: dict[int, dict] = {}
    cursor = None
    for round_number in range(4):
        cursor = sync_round(api, mirror, cursor)
        clock[0] += timedelta(minutes=1)
        # Another writer, between the rounds.
        services.customer_create(email=f"new{round_number}@example.com")
        target = {kind: ids[round_number] for kind, ids in groups.items()}
        api.put(f"{URL}/{target['profile']}", {"first_name": f"R{round_number}"}, format="json")
        api.put(f"{URL}/{target['address']}", {"billing": {"city": f"C{round_number}"}}, format="json")
        api.put(f"{URL}/{target['meta']}", {"meta_data": [{"key": "k", "value": round_number}]}, format="json")
        services.order_save(Order(customer_id=target["order"], status="completed", total="3"))
        api.delete(f"{URL}/{target['delete']}?force=true")
        mirror.pop(target["delete"], None)  # deletions reach a syncing client through the customer.deleted webhook
    sync_round(api, mirror, cursor)
    assert mirror == full_read(api)
