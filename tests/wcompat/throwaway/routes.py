"""The throwaway namespace's routes (served below wp-json/ by urls.py, as the project serves its resources')."""

from wcompat.routers import WcRouter

from .views import V1, NoteViewSet

routes = WcRouter(V1.namespace)
routes.register_collection("notes", NoteViewSet, name="throwaway-note", version=V1)
urlpatterns = routes.urls
