"""Settings for the benchmark: the production settings, plus a bare view as the ceiling.

Sign-in is by password only (REQUIRE_2FA off) and the lockout limit is out of the way, so the
load driver can sign its users in; TLS redirects and secure-only cookies are off because the
driver speaks plain HTTP on loopback. Everything else is config.settings as production runs it
(DEBUG off, manifest static files, the same middleware).
"""

import os

for _name, _value in {
    "REQUIRE_2FA": "0",
    "LOGIN_FAILURE_LIMIT": "100000",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(_name, _value)

from config.settings import *  # noqa: E402, F403
from config.settings import ALLOWED_HOSTS  # noqa: E402

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "127.0.0.1", "localhost", "testserver"]
