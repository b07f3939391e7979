"""Certificate PDFs: HTML from a template, rendered by `portal.pdf.render_pdf` (the only WeasyPrint import).

A4 landscape, bilingual, the holder's name as escaped text in the one embedded CJK face, the certificate number,
the issue date in Chinese form, and a QR code (inline SVG, nothing fetched) of the public verification address.
Many certificates render as ONE multi-page document.
"""

from datetime import date

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from portal.pdf import render_pdf

PAGE_CSS = "@page { size: A4 landscape; margin: 0; }"


def verification_url(certificate) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("certificate-verify", args=[certificate.token])


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def english_date(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def qr_svg(url: str) -> str:
    """The QR code as inline SVG markup: vector (sharp at any size), and nothing for the PDF renderer to fetch.

    segno writes only path data derived from the encoded modules; the URL itself never appears as markup.
    """
    return mark_safe(segno.make(url, error="m").svg_inline(border=2, omitsize=True))  # noqa: S308


def certificate_html(certificates) -> str:
    pages = [
        {
            "certificate": c,
            "issued_zh": chinese_date(c.issued_on),
            "issued_en": english_date(c.issued_on),
            "url": verification_url(c),
            "qr": qr_svg(verification_url(c)),
        }
        for c in certificates
    ]
    return render_to_string("assessments/certificates/certificate_pdf.html", {"pages": pages})


def certificates_pdf(certificates) -> bytes:
    """One PDF with one page per certificate."""
    return render_pdf(certificate_html(list(certificates)), extra_css=PAGE_CSS)
