"""A small crawler for confidentiality tests: it follows every same-site link a signed-in user can
reach with the Django test client and records where marker strings show up.

``Crawler(client, markers).run(seeds)`` visits GET pages breadth first: every ``href``,
``hx-get`` and ``src`` of the HTML answers (and the ``Location`` of redirects), on this site
only, skipping sign-out, language switches and static files. Each answer is searched,
case-insensitively, in its headers and its body — HTML, JSON, and downloads: the members of ZIP
files (XLSX, DOCX) and the compressed streams of PDF files are opened too, so a reviewer's name in
an export or a generated PDF is found as well. ``hits`` lists ``(url, marker, where)``.

``markers_in(text_or_bytes, markers)`` does the same search on one text (for e-mails);
``probe_queries(markers)`` gives search terms that find the markers without echoing one.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

LINK = re.compile(r"""(?:href|hx-get|src|data-url)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
JSON_ESCAPE = re.compile(r"\\u([0-9a-f]{4})")
PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
SKIP_PREFIXES = ("/static/", "/accounts/logout", "/i18n/", "/django-admin/", "/account/erasure/")
SKIP_SUFFIXES = ("/revoke/", "/withdraw/", "/remove/", "/delete/")
MAX_QUERY_VARIANTS = 6  # per path: enough to see a few filters and pages, not every combination


def texts_of(body: bytes) -> list[str]:
    """Every text a body holds: itself, the members of a ZIP archive, the streams of a PDF."""
    texts = [body.decode("utf-8", errors="ignore")]
    if body[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                for name in archive.namelist():
                    texts.extend(texts_of(archive.read(name)))
        except zipfile.BadZipFile:
            pass
    if body[:5] == b"%PDF-":
        for stream in PDF_STREAM.findall(body):
            try:
                texts.append(zlib.decompress(stream).decode("latin-1"))
            except zlib.error:
                texts.append(stream.decode("latin-1"))
    return texts


def markers_in(content: str | bytes, markers: Iterable[str]) -> set[str]:
    """The markers found (case-insensitively) in ``content``; also after HTML/JSON unescaping."""
    raw = content if isinstance(content, bytes) else content.encode()
    haystack = "\n".join(texts_of(raw)).lower()
    haystack += "\n" + unescape(haystack)
    haystack += "\n" + JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), haystack)
    return {m for m in markers if m.lower() in haystack}


def probe_queries(markers: Iterable[str]) -> list[str]:
    """Search terms that should find the markers without being one: a search page echoes its
    query, so a query never holds a whole marker; a leak shows up as the whole marker in a
    result. Each word of a marker (the part before "@" of an e-mail), or a prefix of a one-word
    marker."""
    markers = [m.lower() for m in markers]
    queries: set[str] = set()
    for marker in markers:
        words = [w for w in re.split(r"\s+", marker.split("@")[0]) if len(w) >= 3]
        queries.update([*words, marker[: max(3, len(marker) - 3)]])
    return sorted(q for q in queries if not any(m in q for m in markers))


def body_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


@dataclass
class Crawler:
    client: Any
    markers: list[str]
    max_pages: int = 400
    headers: dict[str, str] = field(default_factory=dict)
    visited: dict[str, int] = field(default_factory=dict)  # url → status code
    hits: list[tuple[str, str, str]] = field(default_factory=list)  # url, marker, "body"/"headers"
    _variants: dict[str, int] = field(default_factory=dict)
    _queued: set[str] = field(default_factory=set)

    def normalise(self, url: str, base: str = "/") -> str | None:
        url = unescape(url.strip())
        if not url or url.startswith(("#", "mailto:", "tel:", "javascript:", "data:", "{")):
            return None
        parts = urlsplit(urljoin(base, url))
        if parts.netloc not in ("", "testserver"):
            return None
        path = parts.path or "/"
        if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES) or "logout" in path:
            return None
        return urlunsplit(("", "", path, parts.query, ""))

    def _admit(self, url: str, *, seed: bool = False) -> bool:
        if url in self.visited or url in self._queued:
            return False
        path = urlsplit(url).path
        if urlsplit(url).query and not seed:  # seeds (searches with chosen terms) are always visited
            if self._variants.get(path, 0) >= MAX_QUERY_VARIANTS:
                return False
            self._variants[path] = self._variants.get(path, 0) + 1
        self._queued.add(url)
        return True

    def fetch(self, url: str) -> Any:
        response = self.client.get(url, **self.headers)
        body = body_of(response)
        self.visited[url] = response.status_code
        header_text = "\n".join(f"{k}: {v}" for k, v in response.items())
        for marker in markers_in(header_text, self.markers):
            self.hits.append((url, marker, "headers"))
        for marker in markers_in(body, self.markers):
            self.hits.append((url, marker, "body"))
        response.crawled_body = body
        return response

    def run(self, seeds: Iterable[str]) -> Crawler:
        queue: deque[str] = deque()
        for seed in seeds:
            if (url := self.normalise(seed)) and self._admit(url, seed=True):
                queue.append(url)
        while queue and len(self.visited) < self.max_pages:
            url = queue.popleft()
            response = self.fetch(url)
            found: list[str] = []
            if response.status_code in (301, 302, 303, 307, 308) and response.get("Location"):
                found.append(response["Location"])
            content_type = response.get("Content-Type", "")
            if "html" in content_type:
                found.extend(LINK.findall(response.crawled_body.decode("utf-8", errors="ignore")))
            for link in found:
                if (target := self.normalise(link, base=url)) and self._admit(target):
                    queue.append(target)
        return self

    def pages_with(self, marker: str) -> list[str]:
        return sorted({url for url, m, _ in self.hits if m == marker})

    def report(self) -> str:
        lines = [f"{url} [{where}]: {marker!r}" for url, marker, where in sorted(set(self.hits))]
        return "\n".join(lines[:60])
