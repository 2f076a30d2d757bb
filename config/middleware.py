"""The site's own middleware (sessions, logins, messages) kept to the admin and the docs.

The REST API under /wp-json/ authenticates each request with its API key and has no session, cookie or
message to handle, so these middleware pass its requests straight through (each one is otherwise
Django's own, and Django's checks still find it).
"""

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware

from wcompat import conf


def site_only(middleware: type) -> type:
    """`middleware`, skipped for REST API requests."""

    def __call__(self, request):
        if conf.is_rest_path(request.path):
            return self.get_response(request)
        return middleware.__call__(self, request)

    return type(middleware.__name__, (middleware,), {"__call__": __call__, "__module__": __name__})


SiteSessionMiddleware = site_only(SessionMiddleware)
SiteAuthenticationMiddleware = site_only(AuthenticationMiddleware)
SiteMessageMiddleware = site_only(MessageMiddleware)
