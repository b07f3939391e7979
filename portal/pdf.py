"""The only module that imports WeasyPrint: renders portal HTML to PDF with bundled assets only.

Certificates and award letters carry people's names and free text; the fetcher below refuses every URL that
is not a bundled file (static files or the system CJK font) or a data: URI, and follows no redirects, so a name
containing markup can never make the server fetch something (security checklist item 20).
"""

from pathlib import Path

from django.conf import settings
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

# One CJK face declared once: each embedded face costs ~110 KiB, and harfbuzz-subset keeps only used glyphs.
CJK_FONT_FILE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FONT_CSS = """
@font-face { font-family: "Portal CJK"; src: local("Noto Sans CJK SC"), local("NotoSansCJKsc-Regular"); }
html { font-family: "Portal CJK", sans-serif; }
"""


def _allowed_roots() -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "static", CJK_FONT_FILE.parent]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


class BundledOnlyURLFetcher(URLFetcher):
    """Serves data: URIs and files under the bundled roots; refuses everything else."""

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=5)

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url.split("?", 1)[0].removeprefix("file://")).resolve()
            if not any(path.is_relative_to(root) for root in _allowed_roots()):
                raise ValueError(f"PDF asset outside the bundled files refused: {url}")
        return super().fetch(url, headers)


def render_pdf(html: str, *, extra_css: str = "") -> bytes:
    """Render one HTML document (already escaped by the template engine) to PDF bytes.

    Batch work should render one multi-page document rather than many small ones (see perf notes).
    """
    static_dir = Path(settings.BASE_DIR) / "static"
    document = HTML(string=html, base_url=static_dir.as_uri() + "/", url_fetcher=BundledOnlyURLFetcher())
    stylesheets = [CSS(string=FONT_CSS + extra_css, url_fetcher=BundledOnlyURLFetcher())]
    return document.write_pdf(stylesheets=stylesheets)
