# The outbox moved here from accounts. This migration only takes over the model's state: the
# table accounts.0005_outbox created stays as it is, with every message in it, and the next
# migration renames and generalises it. accounts.0006 drops the model from accounts' state.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0005_outbox'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OutboxMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('email', 'Message'), ('reminder', 'Meeting reminder')], default='email', max_length=16)),
                        ('category', models.CharField(choices=[('reminders', 'Meeting reminders'), ('updates', 'News from my groups'), ('account', 'About my account')], default='account', max_length=16)),
                        ('meeting_id', models.BigIntegerField(blank=True, null=True)),
                        ('lead_minutes', models.PositiveIntegerField(blank=True, null=True)),
                        ('payload', models.JSONField(blank=True, default=dict)),
                        ('state', models.CharField(choices=[('scheduled', 'Scheduled'), ('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('expired', 'Expired'), ('cancelled', 'No longer wanted'), ('failed', 'Failed')], default='scheduled', max_length=10)),
                        ('due_at', models.DateTimeField()),
                        ('expires_at', models.DateTimeField(blank=True, null=True)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('last_error', models.CharField(blank=True, max_length=200)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('queued_at', models.DateTimeField(blank=True, null=True)),
                        ('claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('claimed_by', models.CharField(blank=True, max_length=32)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='outbox_messages', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'accounts_outboxmessage',
                        'indexes': [models.Index(fields=['state', 'due_at'], name='accounts_ou_state_dbdeae_idx'), models.Index(fields=['state', 'queued_at'], name='accounts_ou_state_5a6cf3_idx'), models.Index(fields=['created_at'], name='accounts_ou_created_303a3a_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('kind', 'reminder')), fields=('user', 'meeting_id', 'lead_minutes'), name='outbox_one_reminder_per_lead_time')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
