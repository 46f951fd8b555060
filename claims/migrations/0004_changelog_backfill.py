"""The change feed starts from the beginning: one change row for every pair
and every unlinked pair that existed before the change log did."""

from django.db import migrations


def backfill(apps, schema_editor):
    ChangeLog = apps.get_model("common", "ChangeLog")
    Evidence = apps.get_model("claims", "Evidence")
    EvidenceTombstone = apps.get_model("claims", "EvidenceTombstone")
    ids = set(Evidence.objects.values_list("pk", flat=True))
    ids.update(EvidenceTombstone.objects.values_list("evidence_id", flat=True))
    ChangeLog.objects.bulk_create(
        [ChangeLog(txid=0, subject="evidence", subject_id=pk) for pk in sorted(ids)],
        batch_size=5000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0003_claim_merge"),
        ("common", "0004_changelog"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
