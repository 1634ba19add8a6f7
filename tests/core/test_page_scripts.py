"""Every page loads htmx and GOV.UK Frontend from static files, initialised by our own module,
with htmx told not to inject the style element the content security policy would refuse."""

import json
import re

from django.urls import reverse


def page(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_htmx_and_the_design_system_are_static_files(client, social_worker):
    body = page(client, social_worker)
    assert re.search(r'<script src="[^"]*vendor/htmx\.min\.js" defer></script>', body)
    assert re.search(r'<script src="[^"]*js/app\.mjs" type="module"></script>', body)


def test_htmx_injects_no_indicator_styles_and_runs_no_eval(client, social_worker):
    body = page(client, social_worker)
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", body)
    assert config, "no htmx-config meta"
    assert json.loads(config.group(1)) == {
        "includeIndicatorStyles": False,
        "allowEval": False,
        "allowScriptTags": False,
    }
