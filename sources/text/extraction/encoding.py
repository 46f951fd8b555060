"""Bytes to text: BOM, declared charset, ``<meta charset>``, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
# Browsers decode these labels as windows-1252 (WHATWG Encoding Standard);
# pages that say latin-1 routinely contain curly quotes in 0x80-0x9f.
_WINDOWS_1252_ALIASES = {"latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1", "ascii", "us-ascii"}
_SNIFF_BYTES = 4096


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _WINDOWS_1252_ALIASES:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _try_decode(data: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        if codec == "cp1252":
            # cp1252 leaves five bytes undefined; latin-1 maps every byte.
            return data.decode("latin-1")
        return None


def _markup_charset(data: bytes) -> str | None:
    head = data[:_SNIFF_BYTES]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def decode_bytes(data: bytes, *, declared_charset: str | None = None) -> str:
    """Decode ``data`` to text; never raises, undecodable bytes become U+FFFD.

    Order: a byte-order mark, the charset the transport declared, the charset
    the markup declares, strict UTF-8, then charset-normalizer's best guess.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    for label in (declared_charset, _markup_charset(data)):
        text = _try_decode(data, _codec_name(label))
        if text is not None:
            return text
    text = _try_decode(data, "utf-8")
    if text is not None:
        return text
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace")
    return data.decode("utf-8", errors="replace")
