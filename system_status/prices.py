"""Amounts written as the store writes them (WooCommerce's wc_price()): its currency symbol, where the symbol
goes, its separators and number of decimals, all from the store settings the system status reports."""

import html
from decimal import ROUND_HALF_UP, Decimal

from system_status import conf as store
from system_status.report import CURRENCY_SYMBOLS

PLACES = {"left": "{symbol}{amount}", "right": "{amount}{symbol}"}
PLACES |= {"left_space": "{symbol}\N{NO-BREAK SPACE}{amount}", "right_space": "{amount}\N{NO-BREAK SPACE}{symbol}"}


def wc_price(amount: Decimal | int | float | None) -> str:
    """1234.5 -> "$1,234.50" for a store in USD with WooCommerce's defaults; negatives lead with "-"."""
    decimals = int(store.get("NUMBER_OF_DECIMALS"))
    value = Decimal(amount or 0).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(value):.{decimals}f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", store.get("THOUSAND_SEPARATOR"))
    number = grouped + (store.get("DECIMAL_SEPARATOR") + fraction if decimals > 0 else "")
    currency = store.get("STORE_CURRENCY")
    symbol = html.unescape(CURRENCY_SYMBOLS.get(currency, currency))
    place = PLACES.get(store.get("CURRENCY_POSITION"), PLACES["left"])
    return ("-" if value < 0 else "") + place.format(symbol=symbol, amount=number)
