"""With these settings, tests run faster."""

import os

from .base import *

SECRET_KEY = "test-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In-memory SQLite unless DATABASE_URL names another database (CI runs the suite on PostgreSQL too).
if not os.environ.get("DATABASE_URL"):
    DATABASES = {"default": {"ENGINE": "config.sqlite", "NAME": ":memory:"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WCOMPAT_ALLOW_INSECURE_KEY_AUTH = False
LOGGING["root"]["level"] = "WARNING"

# wcompat's own tests serve a throwaway resource (tests/wcompat/throwaway): a model with two fields, no migrations.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.wcompat.throwaway"]
MIGRATION_MODULES = {"throwaway": None}
