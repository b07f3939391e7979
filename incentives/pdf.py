"""Award letters (bilingual, CJK font) through the portal's only WeasyPrint module. A batch is one document,
signed (PAdES baseline B) with the organisation's key like a certificate."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from portal.pdf import render_pdf
from portal.qr import qr_svg
from portal.signing import sign_pdf
from portal.verification import verification_url

LETTER_CSS = """
@page { size: A4; margin: 22mm 20mm; }
.letter { page-break-after: always; }
.letter:last-child { page-break-after: auto; }
h1 { font-size: 22pt; text-align: center; margin: 0 0 4mm; }
h2 { font-size: 13pt; text-align: center; color: #555; margin: 0 0 14mm; font-weight: normal; }
p { font-size: 12pt; line-height: 1.7; }
.en { color: #444; font-size: 10.5pt; }
.facts td { padding: 1mm 4mm 1mm 0; font-size: 11.5pt; }
.sign { margin-top: 18mm; text-align: right; }
.verify { margin-top: 12mm; font-size: 9pt; color: #555; display: flex; align-items: center; gap: 4mm; }
.verify svg { width: 28mm; height: 28mm; }
"""


def award_letters_html(awards, request=None) -> str:
    """A page per award; names and citations are escaped text (never markup). Each letter prints its public
    verification address and a QR code of it."""
    letters = []
    for award in awards:
        url = verification_url("letter-verify", award.verification_token, request)
        letters.append({"award": award, "url": url, "qr": qr_svg(url)})
    with translation.override("zh-hans"):
        return render_to_string("incentives/award_letter.html", {"letters": letters})


def award_letters_pdf(awards, request=None) -> bytes:
    """One signed PDF with a page per award."""
    document = render_pdf(award_letters_html(awards, request), extra_css=LETTER_CSS)
    with translation.override("zh-hans"):
        reason = _("Award letter issued by %(issuer)s") % {"issuer": settings.PORTAL_ISSUER_NAME}
    return sign_pdf(document, reason=reason)
