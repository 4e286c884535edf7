"""`.env.example`, written from the settings object so it cannot drift from what Lantern reads."""

from __future__ import annotations

from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from tracking.settings import Settings

HEADER = """\
# Every setting Lantern reads, with its default and what it is for.
# Written by `lantern config example` from tracking/settings.py (a test checks it matches).
# Copy it to .env and uncomment only what you change; variables set in the
# environment win over .env. Empty means unset.
"""


def _default_text(field: FieldInfo) -> str:
    value = field.default
    if value is None or value is PydanticUndefined:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(str(item) for item in value)
    return str(value)


def env_example(settings_class: type[Settings] = Settings) -> str:
    """One commented block per setting: its description, then `# LANTERN_NAME=default`."""
    prefix = str(settings_class.model_config.get("env_prefix", ""))
    blocks = [HEADER]
    for name, field in settings_class.model_fields.items():
        description = " ".join((field.description or "").split())
        blocks.append(f"# {description}\n# {prefix}{name.upper()}={_default_text(field)}\n")
    return "\n".join(blocks)
