"""customers.services on their own: the rules every write path shares (API, batch, admin, import)."""

import json

import pytest
from django.utils import timezone

from customers import services
from customers.models import Customer, CustomerMeta, Order
from customers.selectors import customer_get
from customers.services import create, logins, update
from tests.factories import CustomerFactory, OrderFactory
from wcompat.exceptions import WcAPIException

pytestmark = pytest.mark.django_db


def code_of(call) -> str:
    with pytest.raises(WcAPIException) as raised:
        call()
    return raised.value.code


def test_an_update_checks_the_billing_email(customer):
    record = customer_get(customer.pk)
    assert code_of(lambda: services.customer_update(customer=record, billing={"email": "nope"})) == (
        "customer_invalid_billing_email"
    )
    assert customer.addresses.get(type="billing").email == ""


def test_an_update_refuses_an_email_another_customer_has(customer):
    CustomerFactory(email="TAKEN@example.com")
    record = customer_get(customer.pk)
    assert code_of(lambda: services.customer_update(customer=record, email="taken@example.com")) == (
        "woocommerce_rest_customer_invalid_email"
    )


def test_an_update_that_loses_the_email_race_answers_woocommerces_error(customer, monkeypatch):
    """Another writer takes the email between the check and the write: the unique index answers, as the
    check would have, and nothing of the update is kept."""
    CustomerFactory(email="raced@example.com")
    monkeypatch.setattr(update, "email_taken", lambda email: False)  # the check ran before the other writer
    record = customer_get(customer.pk)
    call = lambda: services.customer_update(customer=record, email="raced@example.com", first_name="Lost")  # noqa: E731
    assert code_of(call) == "woocommerce_rest_customer_invalid_email"
    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.email, stored.first_name) == ("test@woo.local", "Justin")


def test_a_create_that_loses_the_email_race_answers_woocommerces_error(another_writer_first):
    CustomerFactory(email="raced@example.com")
    another_writer_first("with_emails")
    assert code_of(lambda: services.customer_create(email="raced@example.com")) == "registration-error-email-exists"
    assert Customer.objects.filter(email__iexact="raced@example.com").count() == 1


@pytest.mark.parametrize("reassign", ["self", 987654])
def test_delete_refuses_to_reassign_to_itself_or_an_unknown_user(customer, reassign):
    target = customer.pk if reassign == "self" else reassign
    record = customer_get(customer.pk)
    assert code_of(lambda: services.customer_delete(customer=record, reassign=target)) == (
        "woocommerce_rest_customer_invalid_reassign"
    )
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_delete_keeps_the_orders_without_a_customer(customer):
    order = OrderFactory(customer=customer)
    other = CustomerFactory()
    services.customer_delete(customer=customer_get(customer.pk), reassign=other.pk)
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert Order.objects.get(pk=order.pk).customer_id is None


def paying(customer) -> bool:
    return Customer.objects.get(pk=customer.pk).is_paying_customer


def test_a_completed_order_makes_a_paying_customer_and_a_processing_one_does_not(customer):
    services.order_save(Order(customer=customer, status="pending", total="1"))
    assert paying(customer) is False
    order = services.order_save(Order(customer=customer, status="processing", total="1"))
    assert paying(customer) is False  # saved as processing: no payment completed
    order.status = "completed"
    services.order_save(order)
    assert paying(customer) is True
    order.status = "refunded"
    services.order_save(order)
    assert paying(customer) is True  # for good, as WooCommerce keeps it


@pytest.mark.parametrize("status", ["pending", "on-hold", "failed", "cancelled"])
def test_a_payment_completes_an_unpaid_order_and_makes_a_paying_customer(customer, status):
    order = services.order_save(Order(customer=customer, status=status, total="1"))
    assert services.order_payment_complete(order) is True
    assert Order.objects.get(pk=order.pk).status == "processing"
    assert paying(customer) is True


@pytest.mark.parametrize("status", ["processing", "completed", "refunded"])
def test_a_payment_leaves_any_other_order_alone(db, status):
    customer = CustomerFactory()
    order = services.order_save(Order(customer=customer, status=status, total="1"))
    before = paying(customer)
    assert services.order_payment_complete(order) is False
    assert (Order.objects.get(pk=order.pk).status, paying(customer)) == (status, before)


def test_an_order_created_for_or_moved_to_a_customer_marks_them_active_today(customer):
    other = CustomerFactory()

    def last_active(person) -> list:
        return list(CustomerMeta.objects.filter(customer=person, key="wc_last_active").values_list("value", flat=True))

    midnight = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    expected = [json.dumps(str(int(midnight.timestamp())))]
    order = services.order_save(Order(customer=customer, status="pending", total="1"))
    assert (last_active(customer), last_active(other)) == (expected, [])
    CustomerMeta.objects.filter(customer=customer).update(value='"86400"')
    order.status = "completed"
    services.order_save(order)  # the same customer: not touched
    assert last_active(customer) == ['"86400"']
    order.customer = other
    services.order_save(order)
    assert last_active(other) == expected


def test_bulk_create_refuses_a_duplicate_inside_the_batch_as_sequential_creates_would():
    outcomes = services.customers_create_bulk(
        [{"email": "dup@example.com"}, {"email": "DUP@example.com"}, {"email": "other@example.com", "username": "x"}]
    )
    assert not isinstance(outcomes[0], WcAPIException)
    assert outcomes[1].code == "registration-error-email-exists"
    assert outcomes[2].username == "x"


#
# WordPress's login and email rules
#


@pytest.mark.parametrize(
    ("email", "base"),
    [
        ("John.Doe@example.com", "john.doe"),
        ("sales@shop.example", "shop.example"),
        ("info@shop.example", "shop.example"),
        ("x+tag@example.com", "xtag"),
        ('"a@b"@example.com', "a"),  # the part before the first @, as WooCommerce's explode('@')
        (f"{'n' * 70}@example.com", "n" * 55),  # room left for a -NNNN suffix within 60
    ],
)
def test_generated_usernames_start_from_the_email(email, base):
    assert services.username_base(email) == base


def test_a_suffix_has_four_digits_at_most_so_a_generated_login_fits_60_characters(monkeypatch):
    monkeypatch.setattr(logins.secrets, "randbelow", lambda bound: bound - 1)  # the largest draw
    assert logins.random_suffix() == "9999"
    assert len(services.username_base("n" * 70 + "@example.com") + "-" + logins.random_suffix()) == 60


def test_a_taken_generated_username_gets_a_suffix():
    CustomerFactory(username="john.doe")
    created = services.customer_create(email="john.doe@elsewhere.example")
    assert created.username.startswith("john.doe-")
    assert len(created.username) == len("john.doe-") + 4


def test_an_email_of_100_characters_is_the_longest(db):
    local = "a" * (100 - len("@example.com"))
    assert services.customer_create(email=f"{local}@example.com").email == f"{local}@example.com"
    with pytest.raises(WcAPIException) as raised:
        services.customer_create(email=f"{local}b@example.com")
    assert (raised.value.code, raised.value.message) == (
        "user_email_too_long",
        "Email address may not be longer than 100 characters.",
    )


def test_a_taken_username_is_woocommerces_error():
    CustomerFactory(username="taken")
    with pytest.raises(WcAPIException) as raised:
        services.customer_create(email="new@example.com", username="TAKEN")
    assert raised.value.as_dict() == {
        "code": "registration-error-username-exists",
        "message": "An account is already registered with that username. Please choose another.",
        "data": {"status": 400},
    }


def test_an_invalid_username_is_refused_and_a_long_one_too():
    assert code_of(lambda: services.customer_create(email="a@example.com", username="bad name!")) == (
        "registration-error-invalid-username"
    )
    assert code_of(lambda: services.customer_create(email="a@example.com", username="u" * 61)) == (
        "user_login_too_long"
    )
    assert services.customer_create(email="a@example.com", username="u" * 60).username == "u" * 60


def test_the_username_cannot_change_and_the_email_not_only_in_case(customer):
    record = customer_get(customer.pk)
    assert code_of(lambda: services.customer_update(customer=record, username="other")) == (
        "woocommerce_rest_customer_invalid_argument"
    )
    assert code_of(lambda: services.customer_update(customer=record, email="TEST@woo.local")) == (
        "woocommerce_rest_customer_invalid_email"
    )
    services.customer_update(customer=record, username="testcustomer", email="test@woo.local")  # unchanged: fine


#
# Values as stored
#


def test_address_values_become_strings_and_may_not_hold_nul_characters(customer):
    record = services.customer_update(customer=customer_get(customer.pk), billing={"city": "Oslo", "postcode": 1234})
    assert (record.billing["city"], record.billing["postcode"]) == ("Oslo", "1234")
    stored = customer.addresses.get(type="billing")
    assert (stored.city, stored.postcode) == ("Oslo", "1234")
    with pytest.raises(WcAPIException, match="Invalid parameter"):
        services.customer_update(customer=customer_get(customer.pk), billing={"city": "Os\x00lo"})
    assert customer.addresses.get(type="billing").city == "Oslo"


def test_meta_values_are_stored_as_compact_json_keeping_unicode(customer):
    record = customer_get(customer.pk)
    services.customer_update(customer=record, meta_data=[{"key": "note", "value": {"city": "Zürich", "n": [1, 2]}}])
    assert CustomerMeta.objects.get(customer=customer).value == '{"city":"Zürich","n":[1,2]}'


def test_meta_items_by_id_by_key_and_deleted_with_null(customer):
    record = customer_get(customer.pk)
    services.customer_update(customer=record, meta_data=[{"key": "a", "value": 1}, {"key": "b", "value": 2}])
    first = CustomerMeta.objects.get(customer=customer, key="a")
    services.customer_update(
        customer=customer_get(customer.pk),
        meta_data=[{"id": first.pk, "key": "a2", "value": 10}, {"key": "b", "value": None}, {"key": "c", "value": "x"}],
    )
    assert [
        (m.pk == first.pk, m.key, m.value) for m in CustomerMeta.objects.filter(customer=customer).order_by("id")
    ] == [
        (True, "a2", "10"),
        (False, "c", '"x"'),
    ]


def test_internal_meta_keys_set_the_fields_they_stand_for(customer):
    record = services.customer_update(
        customer=customer_get(customer.pk),
        meta_data=[
            {"key": "first_name", "value": "<b>Meta</b>"},
            {"key": "billing_city", "value": "Lima"},
            {"key": "shipping_phone", "value": 5},
            "not an item",
            {"key": "billing_country"},
        ],
    )
    assert (record.first_name, record.billing["city"], record.shipping["phone"]) == ("Meta", "Lima", "5")
    assert not CustomerMeta.objects.filter(customer=customer).exists()


def test_the_admins_display_name_and_role_changes(customer):
    record = services.customer_update(customer=customer_get(customer.pk), display_name="Jay", role="subscriber")
    stored = Customer.objects.get(pk=customer.pk)
    assert (record.display_name, stored.display_name, stored.role) == ("Jay", "Jay", "subscriber")
    assert code_of(lambda: services.customer_update(customer=record, role="emperor")) == (
        "woocommerce_rest_customer_invalid_role"
    )


#
# Bulk creates
#


def test_bulk_creates_hash_the_passwords_given_and_keep_none_otherwise():
    with_password, without = services.customers_create_bulk(
        [{"email": "p@example.com", "password": "s3cret"}, {"email": "n@example.com"}]
    )
    from django.contrib.auth.hashers import check_password

    assert check_password("s3cret", Customer.objects.get(pk=with_password.id).password)
    assert Customer.objects.get(pk=without.id).password.startswith("!")


def test_bulk_creates_draw_distinct_generated_usernames():
    CustomerFactory(username="john")
    outcomes = services.customers_create_bulk(
        [{"email": "john@a.example"}, {"email": "john@b.example"}, {"email": "John@c.example"}]
    )
    names = [outcome.username for outcome in outcomes]
    assert len({name.upper() for name in names}) == 3
    assert all(name.startswith("john-") for name in names)


def test_bulk_creates_apply_internal_meta_and_keep_the_listed_one():
    [record] = services.customers_create_bulk(
        [
            {
                "email": "m@example.com",
                "meta_data": [{"key": "billing_city", "value": "Rome"}, {"key": "crm", "value": 1}],
            }
        ]
    )
    assert record.billing["city"] == "Rome"
    assert [(key, value) for _id, key, value in record.meta] == [("crm", 1)]


@pytest.fixture
def no_fallback(monkeypatch):
    """Fails the test if a bulk create falls back to one-by-one creates: its checks missed a conflict."""

    def fallback(new, **_options):
        pytest.fail(f"the bulk insert failed and fell back to one-by-one creates ({new.email})")

    monkeypatch.setattr(create, "_write_alone", fallback)


def codes(outcomes) -> list[str | None]:
    return [outcome.code if isinstance(outcome, WcAPIException) else None for outcome in outcomes]


def test_bulk_creates_find_every_conflict_before_inserting(no_fallback):
    """Emails and usernames taken in the database or earlier in the batch, in any case, are found by the
    checks, so the valid items go in with the bulk insert."""
    CustomerFactory(email="owner@example.com", username="taken")
    outcomes = services.customers_create_bulk(
        [
            {"email": "OWNER@example.com"},
            {"email": "n1@example.com", "username": "TAKEN"},
            {"email": "n2@example.com", "password": "pw"},
            {"email": "N2@example.com"},
            {"email": "n3@example.com", "username": "free"},
            {"email": "n4@example.com", "username": "FREE"},
        ]
    )
    assert codes(outcomes) == [
        "registration-error-email-exists",
        "registration-error-username-exists",
        None,
        "registration-error-email-exists",
        None,
        "registration-error-username-exists",
    ]
    [generated] = services.customers_create_bulk([{"email": "Taken@other.example"}])
    assert generated.username.startswith("taken-")


def test_a_drawn_username_taken_in_the_database_is_drawn_again(monkeypatch, no_fallback):
    for name in ("mary-jane", "mary-jane-0001", "mary-jane-0002"):
        CustomerFactory(username=name, email=f"{name}@taken.example")
    draws = iter(["0001", "0002", "0003"])
    monkeypatch.setattr(logins, "random_suffix", lambda: next(draws))
    [outcome] = services.customers_create_bulk([{"email": "mary-jane@example.com"}])
    assert outcome.username == "mary-jane-0003"


def test_two_drawn_usernames_drawn_again_at_once_stay_apart(monkeypatch, no_fallback):
    for name in ("ann", "ann-0001", "ann-0002"):
        CustomerFactory(username=name, email=f"{name}@taken.example")
    # Both first draws are taken in the database; both redraws then draw 0005.
    draws = iter(["0001", "0002", "0005", "0005", "0006"])
    monkeypatch.setattr(logins, "random_suffix", lambda: next(draws))
    outcomes = services.customers_create_bulk([{"email": "ann@a.example"}, {"email": "ann@b.example"}])
    assert sorted(outcome.username for outcome in outcomes) == ["ann-0005", "ann-0006"]


def test_addresses_keep_their_own_keys_and_a_null_leaves_a_value_alone(customer):
    [created] = services.customers_create_bulk(
        [{"email": "p@example.com", "billing": {"planet": "Mars", "city": "Oslo"}}]
    )
    assert (created.billing["city"], "planet" in created.billing) == ("Oslo", False)
    record = services.customer_update(customer=customer_get(created.id), billing={"city": None, "planet": "Mars"})
    assert record.billing["city"] == "Oslo"
    assert customer_get(created.id).billing["city"] == "Oslo"


def test_bulk_creates_refuse_an_invalid_email_as_a_single_create_does():
    [outcome] = services.customers_create_bulk([{"email": "not-an-email"}])
    assert outcome.code == code_of(lambda: services.customer_create(email="not-an-email"))
    assert not Customer.objects.exists()


def test_a_repeated_meta_key_keeps_its_last_value_at_its_last_place_in_bulk_as_alone():
    items = [{"key": "a", "value": 1}, {"key": "b", "value": 2}, {"key": "a", "value": 3}]
    [bulk] = services.customers_create_bulk([{"email": "m1@example.com", "meta_data": items}])
    alone = services.customer_create(email="m2@example.com", meta_data=items)
    stored = [(key, value) for _id, key, value in customer_get(alone.id, with_meta=True).meta]
    assert [(key, value) for _id, key, value in bulk.meta] == stored == [("b", 2), ("a", 3)]


def test_a_bulk_item_failing_unexpectedly_is_reported_in_place_and_logged(monkeypatch, caplog):
    check_email = create.check_email

    def failing(email):
        if email == "boom@example.com":
            raise RuntimeError("boom")
        check_email(email)

    monkeypatch.setattr(create, "check_email", failing)
    outcomes = services.customers_create_bulk([{"email": "ok@example.com"}, {"email": "boom@example.com"}])
    assert codes(outcomes) == [None, "rest_internal_error"]
    assert outcomes[1].status_code == 500
    assert [record.getMessage() for record in caplog.records if record.name == "customers.services.create"] == [
        "Batch create item 1 failed unexpectedly"
    ]


def test_a_meta_item_with_an_unknown_id_replaces_every_entry_of_its_key(customer):
    services.customer_update(customer=customer_get(customer.pk), meta_data=[{"key": "color", "value": "blue"}])
    old = CustomerMeta.objects.get(customer=customer)
    services.customer_update(
        customer=customer_get(customer.pk), meta_data=[{"id": old.pk + 1000, "key": "color", "value": "red"}]
    )
    [new] = CustomerMeta.objects.filter(customer=customer)
    assert (new.pk == old.pk, new.key, new.value) == (False, "color", '"red"')


def test_a_meta_key_stored_more_than_once_is_updated_in_its_first_entry(customer):
    rows = [CustomerMeta.objects.create(customer=customer, key="tag", value=f'"{n}"') for n in range(3)]
    services.customer_update(customer=customer_get(customer.pk), meta_data=[{"key": "tag", "value": "x"}])
    assert list(CustomerMeta.objects.filter(customer=customer).values_list("pk", "value")) == [(rows[0].pk, '"x"')]


def test_a_new_meta_key_given_twice_keeps_its_last_value(customer):
    services.customer_update(
        customer=customer_get(customer.pk), meta_data=[{"key": "n", "value": 1}, {"key": "n", "value": 2}]
    )
    assert list(CustomerMeta.objects.filter(customer=customer).values_list("key", "value")) == [("n", "2")]


def error_of(call) -> dict:
    with pytest.raises(WcAPIException) as raised:
        call()
    return raised.value.as_dict()


def test_a_create_checks_the_billing_email_and_keeps_no_password_it_was_not_given():
    assert error_of(lambda: services.customer_create(email="a@example.com", billing={"email": "nope"})) == {
        "code": "customer_invalid_billing_email",
        "message": "Invalid billing email address",
        "data": {"status": 400},
    }
    created = services.customer_create(email="a@example.com")
    assert Customer.objects.get(pk=created.id).password.startswith("!")  # unusable: no login without a reset
    assert created.display_name == created.username == "a"  # WordPress shows the login until a name is set


def test_an_unknown_role_is_refused_by_name(customer):
    assert error_of(lambda: services.customer_update(customer=customer_get(customer.pk), role="emperor")) == {
        "code": "woocommerce_rest_customer_invalid_role",
        "message": "emperor is not a role.",
        "data": {"status": 400},
    }


def test_internal_meta_on_create_sets_fields_a_null_empties_and_unknown_ones_are_skipped():
    created = services.customer_create(
        email="a@example.com",
        billing={"city": "Rome", "company": "Acme"},
        meta_data=[
            {"key": "crm", "value": 1},
            {"key": "billing_unknown", "value": "x"},
            {"key": "billing_company", "value": None},
            {"key": "shipping_city", "value": "Oslo"},
        ],
    )
    assert (created.billing["city"], created.billing["company"], created.shipping["city"]) == ("Rome", "", "Oslo")


def test_the_admins_role_and_display_name_are_set_at_registration():
    created = services.customer_create(email="sub@example.com", role="subscriber", display_name="Sub")
    stored = Customer.objects.get(pk=created.id)
    assert (created.role, stored.role, stored.display_name) == ("subscriber", "subscriber", "Sub")
    assert error_of(lambda: services.customer_create(email="x@example.com", role="emperor")) == {
        "code": "woocommerce_rest_customer_invalid_role",
        "message": "emperor is not a role.",
        "data": {"status": 400},
    }
    assert not Customer.objects.filter(email="x@example.com").exists()


@pytest.mark.parametrize(
    ("role", "action", "changes", "broken"),
    [
        ("customer", "update", {"changes_email": True, "sets_password": True}, []),
        ("subscriber", "destroy", {}, []),
        ("shop_manager", "update", {"changes_email": True, "sets_password": True}, ["email", "password"]),
        ("administrator", "update", {"sets_password": True}, ["password"]),
        ("editor", "update", {}, []),
        ("editor", "destroy", {}, ["delete"]),
    ],
)
def test_role_rules_are_the_services_for_every_writer(role, action, changes, broken):
    assert services.role_rule_violations(role, action, **changes) == broken


def test_an_update_breaking_a_role_rule_is_refused_whoever_writes(customer):
    manager = CustomerFactory(role="shop_manager", email="manager@example.com")
    record = customer_get(manager.pk)
    with pytest.raises(services.RoleRuleBroken) as raised:
        services.customer_update(customer=record, email="other@example.com", first_name="Lost")
    assert (raised.value.code, raised.value.status_code, raised.value.rule) == (
        "woocommerce_rest_cannot_edit",
        403,
        "email",
    )
    with pytest.raises(services.RoleRuleBroken):
        services.customer_update(customer=record, password="new secret")
    stored = Customer.objects.get(pk=manager.pk)
    assert (stored.email, stored.first_name) == ("manager@example.com", manager.first_name)
    services.customer_update(customer=record, email="manager@example.com", first_name="Kept")  # not a change
    assert Customer.objects.get(pk=manager.pk).first_name == "Kept"


STORED_FIELDS = ("first_name", "last_name", "role", "billing", "shipping", "is_paying_customer")


def stored(customer_id: int) -> dict:
    """The customer as the database has it (read back, not the record a service returned)."""
    record = customer_get(customer_id, with_meta=True)
    values = {name: getattr(record, name) for name in STORED_FIELDS}
    values["meta"] = [(key, value) for _id, key, value in record.meta]
    values["display_name"] = Customer.objects.get(pk=customer_id).display_name
    return values


def test_a_single_create_and_a_batch_item_store_the_same_rows():
    """One pipeline: the same values stored alike, whether created alone or in a batch."""
    values = {
        "first_name": " Ada\t",
        "last_name": "Lovelace",
        "billing": {"city": "London", "phone": "+44 20 7946 0000", "email": "ada@example.com"},
        "shipping": {"country": "GB"},
        "meta_data": [{"key": "crm", "value": 7}, {"key": "billing_company", "value": "Engines"}],
    }
    alone = services.customer_create(email="ada@example.com", username="ada", **values)
    [in_batch] = services.customers_create_bulk([{"email": "ada2@example.com", "username": "ada2", **values}])
    assert stored(alone.id) | {"display_name": None} == stored(in_batch.id) | {"display_name": None}
    assert stored(alone.id)["billing"]["company"] == "Engines"  # an internal meta key sets its field
    assert (stored(alone.id)["display_name"], stored(in_batch.id)["display_name"]) == ("ada", "ada2")
    billing = {key: value for key, value in stored(alone.id)["billing"].items() if value}
    assert billing == {"city": "London", "phone": "+44 20 7946 0000", "email": "ada@example.com", "company": "Engines"}
    assert (stored(alone.id)["first_name"], stored(alone.id)["meta"]) == ("Ada", [("crm", 7)])
