"""The benchmark's framework ceiling: the smallest JSON answer Django gives through the same server."""

from django.http import JsonResponse


def bare_json(request):
    return JsonResponse({"ok": True, "name": "bare"})
