# The outbox becomes the notifications app's own, and knows no meetings: its table takes the
# app's name, a reminder's meeting and lead time become a generic target and variant, and a
# channel (e-mail today) is recorded per message. Every message, queued or sent, is kept.

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """The admin's permissions and log entries follow the model to its new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="notifications", model="outboxmessage").exists():
        ContentType.objects.filter(app_label="accounts", model="outboxmessage").update(
            app_label="notifications"
        )


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="notifications", model="outboxmessage").update(
        app_label="accounts"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('notifications', '0001_initial'),
        ('accounts', '0006_outbox_moves_to_notifications'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='outboxmessage',
            name='outbox_one_reminder_per_lead_time',
        ),
        migrations.AlterModelTable(
            name='outboxmessage',
            table=None,
        ),
        migrations.RenameField(
            model_name='outboxmessage',
            old_name='meeting_id',
            new_name='target_id',
        ),
        migrations.RenameField(
            model_name='outboxmessage',
            old_name='lead_minutes',
            new_name='variant',
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='kind',
            field=models.CharField(default='email', max_length=32),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='channel',
            field=models.CharField(choices=[('email', 'E-mail')], default='email', max_length=16),
        ),
        migrations.AddConstraint(
            model_name='outboxmessage',
            constraint=models.UniqueConstraint(condition=models.Q(('target_id__isnull', False)), fields=('kind', 'user', 'target_id', 'variant'), name='outbox_one_message_per_target'),
        ),
        migrations.RenameIndex(
            model_name='outboxmessage',
            new_name='notificatio_state_7abea4_idx',
            old_name='accounts_ou_state_dbdeae_idx',
        ),
        migrations.RenameIndex(
            model_name='outboxmessage',
            new_name='notificatio_state_0e8248_idx',
            old_name='accounts_ou_state_5a6cf3_idx',
        ),
        migrations.RenameIndex(
            model_name='outboxmessage',
            new_name='notificatio_created_cc087e_idx',
            old_name='accounts_ou_created_303a3a_idx',
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
