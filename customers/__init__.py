"""The customer domain, served as WooCommerce's wc/v1, wc/v2 and wc/v3 customers endpoints.

Where it answers differently from current WooCommerce, on purpose:

- wc/v1 keeps WooCommerce 3.5.3's address key order and a shipping address of 9 keys (its captures show
  them); wc/v2 and wc/v3 follow current WooCommerce's order, v3 with shipping.phone.
- The site's time zone is Django's TIME_ZONE (UTC unless set): v2/v3 dates in site time equal the GMT ones
  on a UTC site.
- meta_data items whose key names one of the customer's own fields (billing_city, first_name, …) set that
  field instead of being stored as meta; protected keys (a leading _) are never listed.
- `reassign` on delete is checked (another existing user) but moves nothing: customers own no posts here.
- Batch items skip route validation, as in WooCommerce, and are coerced as WooCommerce would store them;
  values that cannot be represented are refused in place rather than stored.
- include/exclude hold at most WCOMPAT_MAX_ID_LIST (10,000) ids; a search term longer than a login or an
  email could be matches nothing.
- A generated password is never kept (WooCommerce mails it; nothing is mailed here): the hash is unusable.
- Floats in meta values are written by orjson (1e16 rather than PHP's 1.0e+16).
- Answers WooCommerce cannot give: 503 rest_database_unavailable with Retry-After, batch items not started
  before the deadline (503 rest_batch_item_not_processed, in place), Idempotency-Key replays and 409s.
- The extensions (date filters, phone lookup, ETag/If-Match) answer only to parameters and headers
  WooCommerce clients never send; discovery and error messages show WooCommerce's arguments only.
- The wcompat/v1 namespace (orders and download permissions, read-only, for moving stores) is listed in
  /wp-json/ beside WooCommerce's.
"""
