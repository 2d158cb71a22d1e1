"""HTML to PDF with WeasyPrint, fetching nothing but the project's own template files.

Partner data is hostile: a comment or a name could smuggle in an
``<img src="file:///etc/passwd">`` or a link to a tracking host. Reports are
autoescaped, and as a second wall the URL fetcher given to WeasyPrint refuses
every URL except ``file://`` paths inside ``templates/`` — no http(s), no
data from elsewhere on disk — and logs each refusal on the
``partner_review.rendering.pdf`` logger.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from partner_review.paths import TEMPLATES_DIR
from partner_review.runfolder import atomic_write_bytes

log = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """A report asked for a resource outside templates/."""


class TemplatesOnlyFetcher(URLFetcher):
    """Serves ``file://`` URLs under the templates folder; refuses and logs any other URL."""

    def __init__(self, root: Path = TEMPLATES_DIR) -> None:
        super().__init__(timeout=5, allowed_protocols={"file"}, allow_redirects=False)
        self._root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not self.allows(url):
            log.warning("refused to fetch %s: reports may only load files under templates/", url)
            raise RefusedURL(f"refused: {url}")
        return super().fetch(url, headers)

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()
        return path.is_relative_to(self._root) and path.is_file()


def write_pdf(html: str, target: Path) -> int:
    """Render ``html`` to an A4 PDF at ``target`` (written whole); returns the page count."""
    document = HTML(
        string=html,
        base_url=TEMPLATES_DIR.as_uri() + "/",
        url_fetcher=TemplatesOnlyFetcher(),
    ).render()
    data = document.write_pdf()
    assert data is not None
    atomic_write_bytes(target, data)
    return len(document.pages)
