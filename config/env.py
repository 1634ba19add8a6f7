"""Small helpers that read settings from environment variables.

A value may also come from a file named by VAR_FILE (Docker and Kubernetes secrets).
"""

import os
import secrets
from pathlib import Path
from typing import overload

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@overload
def env_str(name: str) -> str | None: ...
@overload
def env_str(name: str, default: str) -> str: ...
@overload
def env_str(name: str, default: str | None) -> str | None: ...
def env_str(name: str, default: str | None = None) -> str | None:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at {file_path!r}: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = env_str(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = env_str(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int_list(name: str, default: list[int]) -> list[int]:
    raw = env_list(name)
    if not raw:
        return list(default)
    try:
        return [int(item) for item in raw]
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must be whole numbers separated by commas, not {env_str(name)!r}"
        ) from exc


def dev_secret_key(path: Path) -> str | None:
    """The development key kept in `path`, made on first use; None if it cannot be kept."""
    try:
        if not path.exists():
            path.write_text(secrets.token_urlsafe(50) + "\n", encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
