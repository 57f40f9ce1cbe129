# Background tasks: extraction attempts on articles, and progress of long jobs.

import django.db.models.deletion
import django.db.models.expressions
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('timeline', '0006_editors_manage_feeds'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='extraction_attempts',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='article',
            name='extraction_retry_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='article',
            name='extraction_task_id',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='article',
            name='extraction_status',
            field=models.CharField(choices=[('pending', 'pending'), ('running', 'running'), ('retrying', 'retrying'), ('done', 'done'), ('failed', 'failed')], default='pending', max_length=16),
        ),
        migrations.AlterField(
            model_name='historicalarticle',
            name='extraction_status',
            field=models.CharField(choices=[('pending', 'pending'), ('running', 'running'), ('retrying', 'retrying'), ('done', 'done'), ('failed', 'failed')], default='pending', max_length=16),
        ),
        migrations.CreateModel(
            name='JobProgress',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('ingest', 'ingest'), ('reextract', 're-extract'), ('group', 'group events')], max_length=16)),
                ('label', models.CharField(help_text='What the job works on, in words.', max_length=200)),
                ('status', models.CharField(choices=[('queued', 'queued'), ('running', 'running'), ('retrying', 'retrying'), ('done', 'done'), ('failed', 'failed')], default='queued', max_length=16)),
                ('total', models.PositiveIntegerField(default=0)),
                ('done', models.PositiveIntegerField(default=0)),
                ('failed', models.PositiveIntegerField(default=0)),
                ('attempts', models.PositiveIntegerField(default=0)),
                ('cursor', models.BigIntegerField(default=0)),
                ('error', models.TextField(blank=True, help_text="The last error, or each failed item's.")),
                ('summary', models.JSONField(blank=True, default=dict, help_text='What the job did, in counts.')),
                ('task_id', models.CharField(blank=True, max_length=64)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('retry_at', models.DateTimeField(blank=True, null=True)),
                ('story', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='jobs', to='timeline.story')),
            ],
            options={
                'verbose_name': 'background job',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['story', '-created_at'], name='job_story_recent')],
                'constraints': [models.CheckConstraint(condition=models.Q(('total__gte', django.db.models.expressions.CombinedExpression(models.F('done'), '+', models.F('failed')))), name='job_progress_within_total')],
            },
        ),
    ]
