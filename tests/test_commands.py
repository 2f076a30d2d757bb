import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from wcompat.models import ApiKey, hash_consumer_key

pytestmark = pytest.mark.django_db


def test_create_api_key_json_creates_the_owner_and_prints_the_pair_once():
    out = StringIO()
    call_command("create_api_key", "--user", "shop", "--permissions", "read_write", "--json", stdout=out)
    pair = json.loads(out.getvalue())
    assert pair["consumer_key"].startswith("ck_")
    assert len(pair["consumer_key"]) == 43
    assert pair["consumer_secret"].startswith("cs_")
    assert len(pair["consumer_secret"]) == 43
    key = ApiKey.objects.get()
    assert key.consumer_key == hash_consumer_key(pair["consumer_key"])
    assert key.consumer_secret == pair["consumer_secret"]
    assert key.truncated_key == pair["consumer_key"][-7:]
    assert key.permissions == "read_write"
    assert get_user_model().objects.get(username="shop").is_superuser


def test_create_api_key_keeps_an_existing_owner():
    owner = get_user_model().objects.create_user("clerk")
    call_command("create_api_key", "--user", "clerk", "--permissions", "read", stdout=StringIO())
    owner.refresh_from_db()
    assert not owner.is_superuser
    assert ApiKey.objects.get().permissions == "read"
