"""The tools `/system_status/tools` lists and runs: this server's maintenance operations, each real.

WooCommerce's list names things this server does not have (transients, product lookup tables, pages, tax
rates); these are what it has instead. Running one answers `success` and a `message` saying what it did.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError

from customers import figures
from customers.services import recount_role_totals
from wcompat.authentication import prune_expired_nonces
from wcompat.idempotency import prune_expired
from webhooks import queue


@dataclass(frozen=True)
class Tool:
    id: str
    name: str
    action: str  # WooCommerce's `button`: what running the tool does
    description: str
    run: Callable[[], str]  # does the work; what it did, as the message


def _recount_role_totals() -> str:
    wrong = recount_role_totals()
    return f"Customer totals recounted: {wrong} role count(s) corrected."


def _rebuild_customer_figures() -> str:
    return f"Customer figures rebuilt from the orders: {figures.rebuild()} customer(s) corrected."


def _prune_webhook_log() -> str:
    return f"{queue.prune()} finished webhook deliveries deleted, with their log."


def _clear_expired_idempotency_keys() -> str:
    return f"{prune_expired()} expired Idempotency-Key records deleted."


def _clear_expired_oauth_nonces() -> str:
    return f"{prune_expired_nonces()} expired OAuth nonces deleted."


TOOLS = {
    tool.id: tool
    for tool in (
        Tool(
            "recount_customer_totals",
            "Customer totals",
            "Recount customers",
            "This tool will count the customers of each role again (the totals lists answer with in X-WP-Total).",
            _recount_role_totals,
        ),
        Tool(
            "regenerate_customer_figures",
            "Customer figures",
            "Regenerate",
            "This tool will count each customer's orders and spending again, and read their last activity again "
            "(the figures the admin's customer list sorts and filters by).",
            _rebuild_customer_figures,
        ),
        Tool(
            "prune_webhook_delivery_log",
            "Webhook delivery log",
            "Delete old deliveries",
            "This tool will delete the webhook deliveries that ended longer ago than the delivery log is kept.",
            _prune_webhook_log,
        ),
        Tool(
            "clear_expired_idempotency_keys",
            "Expired Idempotency-Key records",
            "Clear records",
            "This tool will delete the answers kept for Idempotency-Key retries that are older than 24 hours.",
            _clear_expired_idempotency_keys,
        ),
        Tool(
            "clear_expired_oauth_nonces",
            "Expired OAuth nonces",
            "Clear nonces",
            "This tool will delete the OAuth 1.0a nonces whose timestamp can no longer be accepted.",
            _clear_expired_oauth_nonces,
        ),
    )
}


def run(tool: Tool) -> dict:
    """WC_REST_System_Status_Tools_V2_Controller::execute_tool(): `success` and `message`."""
    try:
        message = tool.run()
    except DatabaseError:
        raise  # the database's own answer (503 when it is unavailable)
    except Exception as error:  # a tool that fails says so, as WooCommerce's callbacks do
        return {"success": False, "message": f"There was an error calling {tool.id}: {error}"}
    return {"success": True, "message": message}
