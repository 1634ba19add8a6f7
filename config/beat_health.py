"""The health check of Celery beat (docker-compose.yml): healthy while the scheduler has ticked
in the last two minutes. `python -m config.beat_health`; exits 0 or 1."""

import os
import sys
import time
from pathlib import Path

MAX_SILENCE_SECONDS = 120
HEARTBEAT = Path(os.environ.get("BEAT_HEARTBEAT_FILE", "/tmp/celerybeat-heartbeat"))  # noqa: S108


def beat_is_alive(heartbeat: Path, *, now: float | None = None) -> bool:
    try:
        last = heartbeat.stat().st_mtime
    except OSError:
        return False
    return (now if now is not None else time.time()) - last <= MAX_SILENCE_SECONDS


if __name__ == "__main__":
    sys.exit(0 if beat_is_alive(HEARTBEAT) else 1)
