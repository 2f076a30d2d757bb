"""wc_price(): amounts in the store's currency and format."""

from decimal import Decimal

import pytest

from system_status.prices import wc_price


def test_woocommerces_defaults_write_dollars_with_a_comma_and_two_decimals():
    assert wc_price(Decimal("1234.5")) == "$1,234.50"
    assert wc_price(0) == "$0.00"
    assert wc_price(None) == "$0.00"
    assert wc_price(Decimal("-5.005")) == "-$5.01"
    assert wc_price(Decimal("1234567.891")) == "$1,234,567.89"


@pytest.mark.parametrize(
    ("settings_values", "expected"),
    [
        (
            {
                "STORE_CURRENCY": "EUR",
                "CURRENCY_POSITION": "right_space",
                "THOUSAND_SEPARATOR": ".",
                "DECIMAL_SEPARATOR": ",",
            },
            "1.234,50\N{NO-BREAK SPACE}€",
        ),
        ({"STORE_CURRENCY": "JPY", "NUMBER_OF_DECIMALS": 0}, "¥1,235"),
        ({"STORE_CURRENCY": "XYZ", "CURRENCY_POSITION": "left_space"}, "XYZ\N{NO-BREAK SPACE}1,234.50"),
    ],
)
def test_the_store_settings_choose_symbol_place_and_separators(settings, settings_values, expected):
    for name, value in settings_values.items():
        setattr(settings, f"WCOMPAT_{name}", value)
    assert wc_price(Decimal("1234.5")) == expected
