"""A resource that is not WooCommerce's: a note with a title and a count. wcompat serves it like any other."""

from django.db import models


class Note(models.Model):
    title = models.CharField(max_length=100)
    count = models.IntegerField(default=0)

    class Meta:
        app_label = "throwaway"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title
