"""A customer's values as they are stored: text sanitized, address keys, meta items (WC_Data's rules)."""

import json
from typing import Any

from customers import meta as meta_rules
from customers.models import ADDRESS_FIELDS, CustomerMeta
from wcompat.args import nul_character_error
from wcompat.wordpress import sanitize_text_field


def clean_text(value: str | None) -> str | None:
    return None if value is None else sanitize_text_field(value)


def address_values(values: dict[str, Any] | None) -> dict[str, str]:
    """The known keys that were sent, as strings; a key sent as null is left alone."""
    return {key: str(value) for key, value in (values or {}).items() if key in ADDRESS_FIELDS and value is not None}


def check_storable(
    billing: dict[str, Any] | None, shipping: dict[str, Any] | None, meta_data: list[dict[str, Any]] | None
) -> None:
    """Values WooCommerce stores as given (address keys, meta keys, what an internal meta key sets) may not
    hold a NUL character: WordPress's sanitizers would not drop it, and no column here can hold it."""
    for kind, values in (("billing", billing), ("shipping", shipping)):
        for key, value in address_values(values).items():
            if "\x00" in value:
                raise nul_character_error(kind, f"{kind}[{key}]")
    for index, item in enumerate(meta_data or ()):
        if not isinstance(item, dict):
            continue
        key, value = item.get("key"), item.get("value")
        if isinstance(key, str) and "\x00" in key:
            raise nul_character_error("meta_data", f"meta_data[{index}][key]")
        if isinstance(key, str) and meta_rules.is_internal(key) and isinstance(value, str) and "\x00" in value:
            raise nul_character_error("meta_data", f"meta_data[{index}][value]")


def apply_internal_meta(meta_data: list[dict[str, Any]] | None, fields: dict[str, Any]) -> None:
    """Meta items whose key is one of the customer's own fields set that field (WC_Data::update_meta_data)."""
    for item in meta_data or ():
        key = item.get("key") if isinstance(item, dict) else None
        if not isinstance(key, str) or not meta_rules.is_internal(key) or "value" not in item:
            continue
        target = meta_rules.setter_field(key, ADDRESS_FIELDS)
        if target is None:
            continue
        field, address_key = target
        value = "" if item["value"] is None else str(item["value"])
        if address_key is None:
            fields[field] = sanitize_text_field(value)
        else:
            fields[field] = {**(fields.get(field) or {}), address_key: value}


def listed_meta_items(meta_data: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The meta items that are stored as meta: a string key that is neither protected nor internal."""
    return [
        item
        for item in meta_data or ()
        if isinstance(item, dict) and isinstance(item.get("key"), str) and meta_rules.is_listed(item["key"])
    ]


def write_meta(customer_id: int, items: list[dict[str, Any]], existing: list[tuple[int, str, Any]]) -> None:
    """Apply meta items as WC_Data does: by id, else by key (duplicates collapse to one); null deletes.

    Only the rows the API lists can be targeted, by id as by key: WC_Data reads protected and internal rows
    out of its meta data, so an id naming one matches nothing and the item adds an entry under its key."""
    rows = [[meta_id, key, value] for meta_id, key, value in existing if meta_rules.is_listed(key)]
    new_rows: list[list[Any]] = []
    for item in items:
        key, value, meta_id = item["key"], item.get("value"), item.get("id")
        target = next((row for row in rows if meta_id and row[0] == meta_id), None) if meta_id else None
        if target is None and not meta_id:
            matches = [row for row in rows if row[1] == key]
            for row in matches[1:]:
                row[2] = None
            target = matches[0] if matches else None
        if target is None:
            # add_meta_data(..., unique=true): a new entry replaces every entry with its key.
            for row in rows:
                if row[1] == key:
                    row[2] = None
            new_rows = [row for row in new_rows if row[1] != key]
            new_rows.append([None, key, value])
        else:
            target[1], target[2] = key, value
    deleted = [row[0] for row in rows if row[2] is None]
    if deleted:
        CustomerMeta.objects.filter(customer_id=customer_id, pk__in=deleted).delete()
    original = {meta_id: (key, value) for meta_id, key, value in existing}
    changed = [
        CustomerMeta(pk=row[0], customer_id=customer_id, key=row[1], value=meta_rules.encode_value(row[2]))
        for row in rows
        if row[2] is not None and original.get(row[0]) != (row[1], row[2])
    ]
    if changed:
        CustomerMeta.objects.bulk_update(changed, ["key", "value"])
    added = [
        CustomerMeta(customer_id=customer_id, key=key, value=meta_rules.encode_value(value))
        for _, key, value in new_rows
    ]
    added = [row for row in added if row.value != "null"]
    if added:
        CustomerMeta.objects.bulk_create(added)


def existing_meta(customer_id: int) -> list[tuple[int, str, Any]]:
    return [
        (pk, key, json.loads(value))
        for pk, key, value in CustomerMeta.objects.filter(customer_id=customer_id)
        .order_by("id")
        .values_list("id", "key", "value")
    ]


def collapse_meta(items: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """A new customer's meta items as write_meta() would store them: one entry per key, nulls dropped."""
    values: dict[str, Any] = {}
    for item in items:
        values.pop(item["key"], None)
        values[item["key"]] = item.get("value")
    return [(key, value) for key, value in values.items() if value is not None]
