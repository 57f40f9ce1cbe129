"""App configuration for the timeline package (project and app in one)."""

from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = "News timeline"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_delete

        from timeline.entries import named_changed, named_deleted
        from timeline.models import Entity, Source

        # Renaming an entity or source in the admin changes timelines drawn from the cache.
        post_save.connect(named_changed, sender=Entity, dispatch_uid="timeline-entity-named")
        post_save.connect(named_changed, sender=Source, dispatch_uid="timeline-source-named")
        # Deleting one takes its chips off the entries (a source in use cannot be deleted).
        pre_delete.connect(named_deleted, sender=Entity, dispatch_uid="timeline-entity-deleted")
