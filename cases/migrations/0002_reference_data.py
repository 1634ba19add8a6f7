from django.db import migrations

# (en, nl, fr): every seeded row in every interface language (cases/translation.py).
CATEGORIES = [
    ("Islamist", "Islamistisch", "Islamiste"),
    ("Right-wing extremist", "Rechts-extremistisch", "Extrémiste de droite"),
    (
        "Anti-LGBTQ+ hostility",
        "Vijandigheid tegenover LGBTQ+-personen",
        "Hostilité envers les personnes LGBTQ+",
    ),
    ("Conspiracy or anti-vaccination", "Complotdenken of antivaccinatie", "Complotisme ou antivaccinisme"),
    ("Left-wing", "Links-extremistisch", "Extrémiste de gauche"),
    ("Mixed or unclear", "Gemengd of onduidelijk", "Mixte ou peu clair"),
    ("Other", "Andere", "Autre"),
]

# A small framework in four domains; a site replaces or extends it in the admin.
# (domain, order, name, description), each text as (en, nl, fr).
INDICATORS = [
    (
        "engagement",
        1,
        (
            "Need for identity, meaning or belonging",
            "Nood aan identiteit, zingeving of erbij horen",
            "Besoin d'identité, de sens ou d'appartenance",
        ),
        (
            "Looks to a group or cause to give identity, status or purpose.",
            "Zoekt bij een groep of een zaak identiteit, status of een doel.",
            "Cherche dans un groupe ou une cause une identité, un statut ou un but.",
        ),
    ),
    (
        "engagement",
        2,
        ("Grievance and injustice", "Grieven en onrecht", "Griefs et sentiment d'injustice"),
        (
            "Feels that they or their group are treated unjustly and dwells on it.",
            "Voelt zich, persoonlijk of als groep, onrechtvaardig behandeld en blijft daarbij "
            "stilstaan.",
            "Se sent traité injustement, personnellement ou en tant que groupe, et rumine ce "
            "sentiment.",
        ),
    ),
    (
        "engagement",
        3,
        ("Susceptibility to influence", "Beïnvloedbaarheid", "Influençabilité"),
        (
            "Easily influenced by peers, online content or charismatic figures.",
            "Laat zich gemakkelijk beïnvloeden door leeftijdsgenoten, online inhoud of "
            "charismatische figuren.",
            "Se laisse facilement influencer par ses pairs, des contenus en ligne ou des figures "
            "charismatiques.",
        ),
    ),
    (
        "intent",
        1,
        ("Us-and-them thinking", "Wij-zijdenken", "Pensée « nous contre eux »"),
        (
            "Sees an out-group as enemy, less than human, or a threat to be removed.",
            "Ziet een andere groep als vijand, als minder dan menselijk of als een bedreiging die "
            "weg moet.",
            "Voit un autre groupe comme un ennemi, comme moins qu'humain ou comme une menace à "
            "éliminer.",
        ),
    ),
    (
        "intent",
        2,
        ("Justification of violence", "Rechtvaardiging van geweld", "Justification de la violence"),
        (
            "Expresses that violence is legitimate or necessary for the cause.",
            "Zegt dat geweld voor de zaak gerechtvaardigd of noodzakelijk is.",
            "Affirme que la violence est légitime ou nécessaire pour la cause.",
        ),
    ),
    (
        "capability",
        1,
        (
            "Access to networks or materials",
            "Toegang tot netwerken of middelen",
            "Accès à des réseaux ou à des moyens",
        ),
        (
            "Contact with extremist networks; access to weapons, funds or know-how.",
            "Contact met extremistische netwerken; toegang tot wapens, geld of knowhow.",
            "Contacts avec des réseaux extrémistes ; accès à des armes, à des fonds ou à un "
            "savoir-faire.",
        ),
    ),
    (
        "capability",
        2,
        ("Criminal history", "Criminele voorgeschiedenis", "Antécédents judiciaires"),
        (
            "Previous offending, especially violence.",
            "Eerdere strafbare feiten, vooral geweld.",
            "Infractions antérieures, surtout avec violence.",
        ),
    ),
    (
        "protective",
        1,
        ("Family support", "Steun van het gezin", "Soutien familial"),
        (
            "Family or trusted adults who are present and engaged.",
            "Gezin of vertrouwde volwassenen die aanwezig en betrokken zijn.",
            "Une famille ou des adultes de confiance, présents et impliqués.",
        ),
    ),
    (
        "protective",
        2,
        ("School, work or training", "School, werk of opleiding", "École, travail ou formation"),
        (
            "Takes part in school, work or training.",
            "Gaat naar school, werkt of volgt een opleiding.",
            "Va à l'école, travaille ou suit une formation.",
        ),
    ),
    (
        "protective",
        3,
        (
            "Prosocial ties and activities",
            "Prosociale banden en activiteiten",
            "Liens et activités prosociaux",
        ),
        (
            "Friends, clubs or activities outside the extremist milieu.",
            "Vrienden, clubs of activiteiten buiten het extremistische milieu.",
            "Des amis, des clubs ou des activités en dehors du milieu extrémiste.",
        ),
    ),
]


def _in_each_language(field: str, texts: tuple[str, str, str]) -> dict[str, str]:
    # The plain column holds the default language, as modeltranslation keeps it.
    en, nl, fr = texts
    return {field: en, f"{field}_en": en, f"{field}_nl": nl, f"{field}_fr": fr}


def forwards(apps, schema_editor):
    ConcernCategory = apps.get_model("cases", "ConcernCategory")
    Indicator = apps.get_model("cases", "Indicator")
    for names in CATEGORIES:
        ConcernCategory.objects.update_or_create(
            name=names[0], defaults=_in_each_language("name", names)
        )
    for domain, order, names, descriptions in INDICATORS:
        Indicator.objects.update_or_create(
            name=names[0],
            defaults={
                "domain": domain,
                "order": order,
                **_in_each_language("name", names),
                **_in_each_language("description", descriptions),
            },
        )


def backwards(apps, schema_editor):
    apps.get_model("cases", "ConcernCategory").objects.filter(
        name__in=[names[0] for names in CATEGORIES]
    ).delete()
    apps.get_model("cases", "Indicator").objects.filter(
        name__in=[names[0] for _d, _o, names, _desc in INDICATORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
