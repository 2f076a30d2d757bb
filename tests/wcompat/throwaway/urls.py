"""The throwaway namespace beside the project's own routes (tests use it with @pytest.mark.urls)."""

from config.urls import urlpatterns as project_urlpatterns
from wcompat.routers import rest_routes

urlpatterns = [
    rest_routes("wp-json/", "tests.wcompat.throwaway.routes"),
    *project_urlpatterns,
]
