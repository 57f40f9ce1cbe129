"""Editors may add, change and view feeds (not delete them: a feed is switched off instead)."""

from django.db import migrations

GROUP = "Editors"
CODENAMES = ["view_feed", "add_feed", "change_feed"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations run; this one needs them now.
    app_config = apps.get_app_config("timeline")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="timeline", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="timeline", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [("timeline", "0005_feeds"), ("timeline", "0002_editors_group")]

    operations = [migrations.RunPython(grant, revoke)]
