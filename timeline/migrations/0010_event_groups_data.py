"""Give every existing event its own timeline entry (run `group_events` to group them), and let
editors view and change entries (merge, split, pick the canonical report)."""

from django.db import migrations


def entries_for_existing_events(apps, schema_editor):
    Event = apps.get_model("timeline", "Event")
    EventGroup = apps.get_model("timeline", "EventGroup")
    for event in Event.objects.filter(group__isnull=True).iterator():
        visible = event.status != "rejected"
        group = EventGroup.objects.create(
            story_id=event.story_id,
            date=event.date,
            precision=event.precision,
            end_date=event.end_date,
            text=event.text,
            canonical_event_id=event.pk,
            report_count=1 if visible else 0,
            source_count=1 if visible else 0,
        )
        Event.objects.filter(pk=event.pk).update(group=group)


def editors_change_entries(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("timeline")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="timeline",
                codename__in=["view_eventgroup", "change_eventgroup"],
            )
        )


def forwards(apps, schema_editor):
    entries_for_existing_events(apps, schema_editor)
    editors_change_entries(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("timeline", "0009_event_groups")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
