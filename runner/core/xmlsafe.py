"""Hardened XML parsing for everything a designer or a browser uploads.

No DTDs, no entity expansion, no network, no huge trees: a billion-laughs or XXE payload is refused with the
file and line instead of being expanded.
"""
from __future__ import annotations

from lxml import etree

from ..errors import DeployError

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True)


def parse(content: bytes, filename: str) -> etree._Element:
    try:
        tree = etree.fromstring(content, _PARSER).getroottree()
    except etree.XMLSyntaxError as err:
        raise DeployError(f"{filename}: malformed XML: {err.msg}", file=filename, line=err.lineno) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise DeployError(f"{filename}: DOCTYPE declarations are not allowed", file=filename, line=1)
    return tree.getroot()
