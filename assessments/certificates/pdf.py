"""Certificate PDFs: HTML from a template, rendered by `portal.pdf.render_pdf` (the only WeasyPrint import).

A4 landscape, bilingual, the holder's name as escaped text in the one embedded CJK face, the certificate number,
the issue date in Chinese form, and a QR code (`portal.qr`: inline SVG, nothing fetched) of the public
verification address (`portal.verification`).
Many certificates render as ONE multi-page document. The document is signed (PAdES baseline B) with the
organisation's key, so an edit in any PDF tool shows; a batch is signed once, after its parts are combined.
"""

from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from portal import verification
from portal.pdf import render_pdf
from portal.qr import qr_svg
from portal.signing import sign_pdf

PAGE_CSS = "@page { size: A4 landscape; margin: 0; }"


def verification_url(certificate, request=None) -> str:
    """The certificate's public verification address, printed on it and in its QR code."""
    return verification.verification_url("certificate-verify", certificate.token, request)


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def english_date(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def certificate_html(certificates, request=None) -> str:
    pages = []
    for c in certificates:
        url = verification_url(c, request)
        pages.append(
            {
                "certificate": c,
                "issued_zh": chinese_date(c.issued_on),
                "issued_en": english_date(c.issued_on),
                "url": url,
                "qr": qr_svg(url),
            }
        )
    return render_to_string("assessments/certificates/certificate_pdf.html", {"pages": pages})


def signature_reason() -> str:
    with translation.override("zh-hans"):
        return _("Certificate issued by %(issuer)s") % {"issuer": settings.PORTAL_ISSUER_NAME}


def certificates_pdf(certificates, request=None, *, signed: bool = True) -> bytes:
    """One PDF with one page per certificate, signed unless `signed` is False (a part of a batch)."""
    document = render_pdf(certificate_html(list(certificates), request), extra_css=PAGE_CSS)
    return sign_pdf(document, reason=signature_reason()) if signed else document
