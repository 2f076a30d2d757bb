"""WooCommerce webhooks for customer events: subscriptions, their REST API, a durable delivery queue.

Where it differs from current WooCommerce, on purpose, and why: docs/compatibility.md.
"""
