"""Award letters (bilingual, CJK font) through the portal's only WeasyPrint module. A batch is one document."""

from django.template.loader import render_to_string
from django.utils import translation

from portal.pdf import render_pdf

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
"""


def award_letters_pdf(awards) -> bytes:
    """One PDF with a page per award; names and citations are escaped text (never markup)."""
    with translation.override("zh-hans"):
        html = render_to_string("incentives/award_letter.html", {"awards": list(awards)})
    return render_pdf(html, extra_css=LETTER_CSS)
