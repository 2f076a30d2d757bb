"""WooCommerce's states (its i18n/states.php): for each country it knows, the states an address chooses from, in
WooCommerce's order and with its codes (what the API stores as `state`); an empty list where the country has no
states. Countries it does not list take a typed state. The admin's script reads the same file."""

import json
from functools import cache
from pathlib import Path

STATES_FILE = Path(__file__).parent / "static" / "customers" / "states.json"
STATES_STATIC_PATH = "customers/states.json"


@cache
def all_states() -> dict[str, list[tuple[str, str]]]:
    with STATES_FILE.open(encoding="utf-8") as file:
        return {country: [tuple(pair) for pair in pairs] for country, pairs in json.load(file).items()}


def states_of(country: str | None) -> list[tuple[str, str]]:
    """The (code, name) list a state of `country` is chosen from; empty when a state is typed."""
    return all_states().get(country or "", [])
