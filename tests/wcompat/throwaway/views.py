"""The throwaway resource's endpoints, declared the way a real resource declares them."""

from typing import Any, ClassVar

from wcompat.batch import BatchMixin
from wcompat.exceptions import WcAPIException
from wcompat.item_schema import item_schema, readonly, writable
from wcompat.links import item_links
from wcompat.pagination import Page, offset_arg, paginate, search_arg
from wcompat.versions import ResourceVersion
from wcompat.viewsets import WcViewSet

from .models import Note

SCHEMA = item_schema(
    "note",
    {
        "id": readonly("Unique identifier for the resource.", "integer"),
        "title": writable("The note's title.", required=True),
        "count": writable("How many.", "integer", minimum=0),
    },
)


class NoteVersion(ResourceVersion):
    """What the notes declare beyond wcompat's defaults: their list's filters."""

    collection_filters: ClassVar[dict[str, dict[str, Any]]] = {"search": search_arg(), "offset": offset_arg()}


V1 = NoteVersion(namespace="throwaway/v1", rest_base="notes", item_schema=SCHEMA, fields=("id", "title", "count"))


class NoteViewSet(BatchMixin, WcViewSet):
    version = V1
    capabilities = {
        "list": "throwaway.view_note",
        "retrieve": "throwaway.view_note",
        "create": "throwaway.add_note",
        "update": "throwaway.change_note",
        "destroy": "throwaway.delete_note",
        "batch": "throwaway.change_note",
    }
    schema_name = "Note"

    def get_item(self, pk: int, action: str) -> Note:
        note = Note.objects.filter(pk=pk).first()
        if note is None:
            raise WcAPIException("throwaway_invalid_id", "Invalid note ID.", 404)
        return note

    def get_page(self, args: dict[str, Any]) -> Page:
        notes = Note.objects.filter(title__icontains=args["search"]).order_by("id")
        return paginate(notes, page=args["page"], per_page=args["per_page"], offset=args["offset"])

    def create_item(self, args: dict[str, Any]) -> Note:
        # Batch items skip the route's required check: the resource's own rule answers.
        if not args.get("title"):
            raise WcAPIException("throwaway_missing_title", "A note needs a title.", 400)
        return Note.objects.create(title=args["title"], count=args.get("count", 0))

    def update_item(self, item: Note, args: dict[str, Any]) -> Note:
        for name in ("title", "count"):
            if name in args:
                setattr(item, name, args[name])
        item.save()
        return item

    def destroy_item(self, item: Note, args: dict[str, Any]) -> None:
        item.delete()

    def render_items(self, items: list[Note]) -> list[dict[str, Any]]:
        return [
            {
                "id": note.pk,
                "title": note.title,
                "count": note.count,
                "_links": item_links(self.request, V1.route, note.pk),
            }
            for note in items
        ]
