# The dashboard's average times over the last year's screening decisions (bench/README.md).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('referrals', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='referral',
            index=models.Index(fields=['decided_at'], name='referral_decided_at'),
        ),
    ]
