"""The decision notice as PDF (WeasyPrint, through Pango and fontconfig): the same document and print CSS the
browser prints, with its CJK font embedded (the office fonts 仿宋 and 方正小标宋 where the server has them,
else Noto Serif CJK SC from Debian's fonts-noto-cjk, which scripts/lib.sh installs).

The renderer reads only the site's own static files: any other URL a document could name is refused, so
rendering never reaches the network."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from weasyprint import HTML, URLFetcher

STATIC = Path(__file__).parent / "static"


class _StaticOnly(URLFetcher):
    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file"})

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not Path(unquote(urlparse(url).path)).resolve().is_relative_to(STATIC.resolve()):
            raise ValueError(f"the notice may load only the site's static files, not {url}")
        return super().fetch(url, headers)


def render(html: str) -> bytes:
    """The PDF of a page whose relative links (the stylesheet) name files of runner/web/static."""
    pdf: bytes = HTML(string=html, base_url=f"{STATIC.resolve()}/", url_fetcher=_StaticOnly()).write_pdf()
    return pdf
