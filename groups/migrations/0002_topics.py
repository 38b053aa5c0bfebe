from django.db import migrations

TOPICS = [
    ("ketamine", "Ketamine"),
    ("stimulants", "Stimulants"),
    ("alcohol", "Alcohol"),
    ("general-recovery", "General recovery"),
    ("family-and-friends", "Family and friends"),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("support_groups", "Topic")
    for position, (slug, name) in enumerate(TOPICS):
        Topic.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


def remove_topics(apps, schema_editor):
    apps.get_model("support_groups", "Topic").objects.filter(
        slug__in=[slug for slug, _ in TOPICS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("support_groups", "0001_initial")]

    operations = [migrations.RunPython(add_topics, remove_topics)]
