"""The python-telegram-bot types every module here shares, named once."""

from __future__ import annotations

from typing import Any, TypeAlias

from telegram.ext import Application, ContextTypes

Context: TypeAlias = ContextTypes.DEFAULT_TYPE
"""The context every handler receives."""

LanternApplication: TypeAlias = Application[Any, Any, Any, Any, Any, Any]
"""The running PTB application (its generic parameters do not matter to Lantern)."""
