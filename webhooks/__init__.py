"""WooCommerce webhooks for customer events: subscriptions, their REST API, a durable delivery queue.

Where it differs from current WooCommerce, on purpose:

- Only customer.created, customer.updated and customer.deleted are accepted: a topic for a resource this
  project does not serve (orders, products, actions) is refused like an invalid topic, as it would never fire.
- Deliveries and pings are sent by a worker from a queue (WooCommerce sends in the request, or through Action
  Scheduler): a client's write never waits for a receiver, and nothing is lost across restarts.
- A failed delivery is retried with backoff (WooCommerce tries once); each retry counts towards the failures
  that disable the webhook after more than 5 in a row.
- X-WC-Webhook-Delivery-ID is unique per delivery and the same on its retries (WooCommerce's repeats within a
  second and changes on a retry), so receivers can deduplicate.
- A paused or disabled webhook gets no retries of what it had queued (its first attempt went, as in
  WooCommerce, where queued jobs ignore later pausing).
- Payloads are rendered in wc/v1, wc/v2 or wc/v3 as the webhook was created; the legacy v3 API is not served.
- Deleting a webhook deletes what it had queued and its delivery log (WooCommerce leaves queued jobs, which
  newest versions then skip).
As in WooCommerce, and so not differences: the secret is never returned; private and reserved addresses are
refused when sending (WCOMPAT_WEBHOOK_ALLOW_PRIVATE_URLS lifts it), not when saving; X-WP-TotalPages is 1
when per_page is 1 (WooCommerce's own source; the webhooks spec says 0 for an empty list).
"""
