"""Create the "Editors" group with exactly what editors need: read everything, correct
articles, events and entities, add articles and sources; never delete (rejecting hides)."""

from django.db import migrations

GROUP = "Editors"
PERMISSIONS = {
    "story": ("view",),
    "source": ("view", "add", "change"),
    "article": ("view", "add", "change"),
    "event": ("view", "change"),
    "entity": ("view", "add", "change"),
}


def codenames() -> list[str]:
    return [f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions]


def create_editors_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations run; this one needs them now.
    app_config = apps.get_app_config("timeline")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="timeline", codename__in=codenames())
    )


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
