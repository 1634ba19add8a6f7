from django.db import migrations

CATEGORIES = [
    "Islamist",
    "Right-wing extremist",
    "Anti-LGBTQ+ hostility",
    "Conspiracy or anti-vaccination",
    "Left-wing",
    "Mixed or unclear",
    "Other",
]

# A small framework in four domains; a site replaces or extends it in the admin.
INDICATORS = [
    ("engagement", 1, "Need for identity, meaning or belonging",
     "Looks to a group or cause to give identity, status or purpose."),
    ("engagement", 2, "Grievance and injustice",
     "Feels that they or their group are treated unjustly and dwells on it."),
    ("engagement", 3, "Susceptibility to influence",
     "Easily influenced by peers, online content or charismatic figures."),
    ("intent", 1, "Us-and-them thinking",
     "Sees an out-group as enemy, less than human, or a threat to be removed."),
    ("intent", 2, "Justification of violence",
     "Expresses that violence is legitimate or necessary for the cause."),
    ("capability", 1, "Access to networks or materials",
     "Contact with extremist networks; access to weapons, funds or know-how."),
    ("capability", 2, "Criminal history",
     "Previous offending, especially violence."),
    ("protective", 1, "Family support",
     "Family or trusted adults who are present and engaged."),
    ("protective", 2, "School, work or training",
     "Takes part in school, work or training."),
    ("protective", 3, "Prosocial ties and activities",
     "Friends, clubs or activities outside the extremist milieu."),
]


def forwards(apps, schema_editor):
    ConcernCategory = apps.get_model("cases", "ConcernCategory")
    Indicator = apps.get_model("cases", "Indicator")
    for name in CATEGORIES:
        ConcernCategory.objects.get_or_create(name=name)
    for domain, order, name, description in INDICATORS:
        Indicator.objects.get_or_create(
            name=name, defaults={"domain": domain, "order": order, "description": description}
        )


def backwards(apps, schema_editor):
    apps.get_model("cases", "ConcernCategory").objects.filter(name__in=CATEGORIES).delete()
    apps.get_model("cases", "Indicator").objects.filter(
        name__in=[name for _d, _o, name, _desc in INDICATORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
