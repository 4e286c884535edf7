"""The architecture rules, checked on the source: the core is pure; tracking never imports bot."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADAPTER_MODULES = (
    "aiohttp",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "asyncpg",
    "aiosqlite",
    "slack_bolt",
    "slack_sdk",
    "telegram",
    "matplotlib",
    "prometheus_client",
    "tracking.storage",
    "tracking.web",
    "bot",
    "lantern",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _offenders(folder: Path, banned: tuple[str, ...]) -> list[str]:
    bad = []
    for path in sorted(folder.rglob("*.py")):
        for module in _imports(path):
            if any(module == b or module.startswith(b + ".") for b in banned):
                bad.append(f"{path.relative_to(ROOT)} imports {module}")
    return bad


def test_core_imports_no_adapter_module() -> None:
    assert _offenders(ROOT / "tracking" / "core", ADAPTER_MODULES) == []


def test_tracking_never_imports_bot_or_the_composition_root() -> None:
    assert _offenders(ROOT / "tracking", ("bot", "lantern")) == []


def test_the_guard_sees_imports() -> None:
    assert "tracking.core.urls" in _imports(ROOT / "tracking" / "core" / "shortening.py")
