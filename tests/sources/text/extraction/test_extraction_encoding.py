"""Bytes to text: BOM, declared charset, meta charset, detection, and never a crash."""

from __future__ import annotations

import codecs

from sources.text.extraction import decode_bytes

TEXT = "Caf\u00e9 owners said the \u201cstrike\u201d would cost them \u20ac2,000 a day."


def test_utf8_with_bom_is_decoded_and_the_bom_dropped():
    assert decode_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8")) == TEXT


def test_utf16_with_bom_is_decoded():
    assert decode_bytes(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")) == TEXT


def test_declared_cp1252_is_used():
    assert decode_bytes(TEXT.encode("cp1252"), declared_charset="windows-1252") == TEXT


def test_declared_latin1_is_read_as_cp1252_like_browsers_do():
    assert decode_bytes(TEXT.encode("cp1252"), declared_charset="ISO-8859-1") == TEXT


def test_meta_charset_in_the_markup_is_used():
    page = f'<html><head><meta charset="windows-1252"></head><body><p>{TEXT}</p></body></html>'
    assert TEXT in decode_bytes(page.encode("cp1252"))


def test_http_equiv_content_type_charset_is_used():
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        "</head><body><p>Caf\u00e9 cr\u00e8me</p></body></html>"
    )
    assert "Caf\u00e9 cr\u00e8me" in decode_bytes(page.encode("latin-1"))


def test_undeclared_utf8_is_decoded():
    assert decode_bytes(TEXT.encode("utf-8")) == TEXT


def test_undeclared_cp1252_is_detected():
    sample = (
        "Les r\u00e9sultats de l'\u00e9tude ont \u00e9t\u00e9 publi\u00e9s hier. " * 20
    ).encode("cp1252")
    assert "r\u00e9sultats" in decode_bytes(sample)


def test_invalid_utf8_never_raises_and_replaces_bad_bytes():
    data = b"Port news \xff\xfe\xfa broken " + "caf\u00e9".encode() + b" \xc3"
    text = decode_bytes(data, declared_charset="utf-8")
    assert isinstance(text, str)
    assert "Port news" in text


def test_unknown_declared_charset_falls_back():
    assert decode_bytes(TEXT.encode("utf-8"), declared_charset="no-such-charset") == TEXT


def test_empty_bytes_decode_to_empty_text():
    assert decode_bytes(b"") == ""
