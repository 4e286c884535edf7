"""QR codes of short links (segno), as SVG to show and PNG to download."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str) -> bytes:
    """A scalable QR code of `url`, black on white, with its quiet zone."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, xmldecl=False, svgns=True, title=url)
    return out.getvalue()


def qr_png(url: str) -> bytes:
    """A print-ready PNG QR code of `url` (10 pixels a module)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=10)
    return out.getvalue()
