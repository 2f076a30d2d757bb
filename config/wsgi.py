"""WSGI entry point: `gunicorn -c gunicorn.conf.py config.wsgi`."""

import os
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

debug = os.environ.get("DJANGO_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
if not os.environ.get("DJANGO_SECRET_KEY") and not debug:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to serve the API (only DJANGO_DEBUG=1 serves without one).")

application = get_wsgi_application()
# The URLconf, with the views and resources it imports, loaded now: under gunicorn (preload_app) before the workers
# fork, so they share it instead of each loading it while it answers its first request.
import_module(settings.ROOT_URLCONF)
