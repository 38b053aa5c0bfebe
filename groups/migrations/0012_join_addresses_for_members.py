"""Every active member of a group gets a join address for each of its series that meets
online, so that calendars and reminders switch to them at once (pages also make one the
first time they need it: groups.meetings.joining.join_addresses_for)."""

import secrets

from django.db import migrations

ONLINE = ("online", "hybrid")


def give_addresses(apps, schema_editor):
    Membership = apps.get_model("support_groups", "Membership")
    MeetingSeries = apps.get_model("support_groups", "MeetingSeries")
    JoinAddress = apps.get_model("support_groups", "JoinAddress")
    online = {}
    for series_id, group_id in MeetingSeries.objects.filter(
        attendance_option__in=ONLINE
    ).values_list("pk", "group_id"):
        online.setdefault(group_id, []).append(series_id)
    rows = [
        JoinAddress(user_id=user_id, series_id=series_id, token=secrets.token_urlsafe(24))
        for user_id, group_id in Membership.objects.filter(
            state="active", group_id__in=list(online)
        ).values_list("user_id", "group_id")
        for series_id in online[group_id]
    ]
    JoinAddress.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("support_groups", "0011_online_rooms")]

    operations = [migrations.RunPython(give_addresses, migrations.RunPython.noop)]
