"""App configuration for the timeline package (project and app in one)."""

from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = "News timeline"
    default_auto_field = "django.db.models.BigAutoField"
