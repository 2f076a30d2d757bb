"""URLs of the REST API as WordPress's rest_url() builds them, and each item's `_links`."""

from rest_framework.request import Request

from wcompat import conf
from wcompat.authentication import site_base_url


def rest_url(request: Request, route: str = "/") -> str:
    """rest_url(route): the site URL + /wp-json + route."""
    return f"{site_base_url(request)}{conf.get('REST_PREFIX')}{route}"


def item_links(request: Request, collection_route: str, item_id: int) -> dict[str, list[dict[str, str]]]:
    """{"self": [{"href": …/<id>}], "collection": [{"href": …}]}, as WooCommerce's prepare_links()."""
    return {
        "self": [{"href": rest_url(request, f"{collection_route}/{item_id}")}],
        "collection": [{"href": rest_url(request, collection_route)}],
    }
