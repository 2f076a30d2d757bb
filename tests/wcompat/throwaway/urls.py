"""The throwaway namespace beside the project's own routes (tests use it with @pytest.mark.urls)."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns
from wcompat.routers import WcRouter

from .views import V1, NoteViewSet

routes = WcRouter(V1.namespace)
routes.register_collection("notes", NoteViewSet, name="throwaway-note", version=V1)
urlpatterns = [
    path("wp-json/", include(routes.urls)),
    *project_urlpatterns,
]
