"""QR codes for documents the portal renders (certificates, award letters), as inline SVG."""

import segno
from django.utils.safestring import mark_safe


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG markup: vector (sharp at any size), and nothing for the PDF renderer to fetch.

    segno writes only path data derived from the encoded modules; the URL itself never appears as markup.
    """
    return mark_safe(segno.make(url, error="m").svg_inline(border=2, omitsize=True))  # noqa: S308
