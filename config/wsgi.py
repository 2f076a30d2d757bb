"""WSGI entry point: `gunicorn -c gunicorn.conf.py config.wsgi`."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

debug = os.environ.get("DJANGO_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
if not os.environ.get("DJANGO_SECRET_KEY") and not debug:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to serve the API (only DJANGO_DEBUG=1 serves without one).")

application = get_wsgi_application()
