"""Let the Editors group watch background jobs (view only: jobs are started, not edited)."""

from django.db import migrations

GROUP = "Editors"


def grant_view_jobs(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations run; this one needs them now.
    app_config = apps.get_app_config("timeline")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="timeline", codename="view_jobprogress"
            )
        )


def revoke_view_jobs(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="timeline", codename="view_jobprogress"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0007_background_tasks"),
        ("timeline", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(grant_view_jobs, revoke_view_jobs)]
