"""HTML to PDF with WeasyPrint, fetching nothing but the project's own template files.

Partner data is hostile: a comment or a name could smuggle in an
``<img src="file:///etc/passwd">`` or a link to a tracking host. Reports are
autoescaped, and as a second wall the URL fetcher given to WeasyPrint refuses
every URL except ``file://`` paths inside ``templates/`` — no http(s), no
data from elsewhere on disk — and logs each refusal on the
``partner_review.rendering.pdf`` logger.

WeasyPrint's layout allocates millions of small objects, few of them in
reference cycles; with Python's default garbage-collector thresholds a
collection of the youngest generation runs every 700 allocations and each
older collection walks every object of the worker (the review model, pandas,
Jinja2): 15–25% of a report's PDF CPU time. :func:`fewer_collections`
raises the youngest generation's threshold while a PDF renders (same peak
memory on the 92-page portfolio: the layout's garbage is freed by reference
counting).
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from partner_review.paths import TEMPLATES_DIR
from partner_review.runfolder import atomic_write_bytes

log = logging.getLogger(__name__)

# allocations between two collections of the youngest generation while a PDF renders
# (Python's default is 700)
RENDER_GC_THRESHOLD = 100_000


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


_collections_lock = threading.Lock()
_collections_users = 0
_collections_before: tuple[int, ...] = ()


@contextmanager
def fewer_collections(threshold: int = RENDER_GC_THRESHOLD) -> Iterator[None]:
    """Collect the youngest generation every ``threshold`` allocations (not 700) inside;
    the thresholds from before are restored when the last of the threads inside leaves
    (the thresholds are the process's: a Dask worker renders in several threads), even on
    an error."""
    global _collections_users, _collections_before
    with _collections_lock:
        if _collections_users == 0:
            _collections_before = gc.get_threshold()
            gc.set_threshold(max(threshold, _collections_before[0]), *_collections_before[1:])
        _collections_users += 1
    try:
        yield
    finally:
        with _collections_lock:
            _collections_users -= 1
            if _collections_users == 0:
                gc.set_threshold(*_collections_before)


def write_pdf(html: str, target: Path, *, durable: bool = True) -> int:
    """Render ``html`` to an A4 PDF at ``target`` (written whole); returns the page count.
    ``durable=False`` for a staging folder, put on disk when it is published."""
    with fewer_collections():
        document = HTML(
            string=html,
            base_url=TEMPLATES_DIR.as_uri() + "/",
            url_fetcher=TemplatesOnlyFetcher(),
        ).render()
        data = document.write_pdf()
    assert data is not None
    atomic_write_bytes(target, data, durable=durable)
    return len(document.pages)
