"""The throwaway namespace beside the project's own routes (tests use it with @pytest.mark.urls)."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns
from wcompat.routers import WcRoutes, wp_path
from wcompat.views import NamespaceIndexView

from .views import V1, NoteViewSet

routes = WcRoutes(V1.namespace)
routes.register_collection("notes", NoteViewSet, name="throwaway-note", version=V1)
urlpatterns = [
    path("wp-json/", include(routes.urls)),
    wp_path("wp-json/throwaway/v1", NamespaceIndexView.as_view(namespace=V1.namespace), name="throwaway-index"),
    *project_urlpatterns,
]
