# Reference data in every interface language (django-modeltranslation, cases/translation.py),
# and what the system writes into the history and the team as codes with parameters (issue 16).

from django.db import migrations, models

# (en, nl, fr): every row 0002_reference_data seeds, in every interface language
# (cases/translation.py).
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

# (domain, order, name, description) as in 0002, each text as (en, nl, fr).
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



# History and team reasons that earlier code wrote out in English, as the events they were.
OPENED = {"Case opened.": "opened"}
GRANTS = {"Opened the case": "opened_the_case", "Lead agency": "lead_agency", "Case owner": "case_owner"}


def forwards(apps, schema_editor):
    ConcernCategory = apps.get_model("cases", "ConcernCategory")
    Indicator = apps.get_model("cases", "Indicator")
    # English is the fallback of every language: each row, seeded or added, has it.
    for category in ConcernCategory.objects.all():
        category.name_en = category.name
        category.save(update_fields=["name_en"])
    for indicator in Indicator.objects.all():
        indicator.name_en, indicator.description_en = indicator.name, indicator.description
        indicator.save(update_fields=["name_en", "description_en"])
    for en, nl, fr in CATEGORIES:
        ConcernCategory.objects.filter(name=en).update(name_nl=nl, name_fr=fr)
    for _domain, _order, names, descriptions in INDICATORS:
        Indicator.objects.filter(name=names[0]).update(
            name_nl=names[1],
            name_fr=names[2],
            description_nl=descriptions[1],
            description_fr=descriptions[2],
        )
    StatusChange = apps.get_model("cases", "StatusChange")
    for text, event in OPENED.items():
        StatusChange.objects.filter(event="changed", reason=text).update(event=event, reason="")
    for model in ("CaseUserObjectPermission", "CaseGroupObjectPermission"):
        for text, event in GRANTS.items():
            apps.get_model("cases", model).objects.filter(event="", reason=text).update(
                event=event, reason=""
            )


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0003_search_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='casegroupobjectpermission',
            name='event',
            field=models.CharField(blank=True, choices=[('opened_the_case', 'Opened the case'), ('lead_agency', 'Lead agency'), ('case_owner', 'Case owner'), ('conference_guest', 'Guest at a conference'), ('access_request', 'Access request'), ('prison_outreach', 'Outreach worker of the prison-release protocol')], max_length=32),
        ),
        migrations.AddField(
            model_name='casegroupobjectpermission',
            name='params',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name='caseuserobjectpermission',
            name='event',
            field=models.CharField(blank=True, choices=[('opened_the_case', 'Opened the case'), ('lead_agency', 'Lead agency'), ('case_owner', 'Case owner'), ('conference_guest', 'Guest at a conference'), ('access_request', 'Access request'), ('prison_outreach', 'Outreach worker of the prison-release protocol')], max_length=32),
        ),
        migrations.AddField(
            model_name='caseuserobjectpermission',
            name='params',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name='concerncategory',
            name='name_en',
            field=models.CharField(max_length=100, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='concerncategory',
            name='name_fr',
            field=models.CharField(max_length=100, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='concerncategory',
            name='name_nl',
            field=models.CharField(max_length=100, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='indicator',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='indicator',
            name='description_fr',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='indicator',
            name='description_nl',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='indicator',
            name='name_en',
            field=models.CharField(max_length=150, null=True, unique=True, verbose_name='indicator'),
        ),
        migrations.AddField(
            model_name='indicator',
            name='name_fr',
            field=models.CharField(max_length=150, null=True, unique=True, verbose_name='indicator'),
        ),
        migrations.AddField(
            model_name='indicator',
            name='name_nl',
            field=models.CharField(max_length=150, null=True, unique=True, verbose_name='indicator'),
        ),
        migrations.AddField(
            model_name='statuschange',
            name='event',
            field=models.CharField(choices=[('changed', 'Status changed'), ('opened', 'Case opened'), ('referral_accepted', 'Referral accepted at screening'), ('put_on_agenda', 'Put on a conference agenda'), ('conference_decision', 'Conference decision')], default='changed', max_length=32),
        ),
        migrations.AddField(
            model_name='statuschange',
            name='params',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name='statuschange',
            name='reason',
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
