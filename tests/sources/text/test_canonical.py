"""URL canonicalisation and domains."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.text import canonical
from sources.text.canonical import canonicalize_url, domain_of, site_label, without_credentials
from sources.text.errors import UrlError


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://Example.COM/Path", "https://example.com/Path"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?b=2&a=3&a=1", "https://example.com/a?a=1&a=3&b=2"),
        ("https://example.com/a?page=", "https://example.com/a?page="),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("http://[::1]:8080/p", "http://[::1]:8080/p"),
        ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
        ("https://example.com./a", "https://example.com/a"),
    ],
)
def test_canonical_form(url, canonical):
    assert canonicalize_url(url) == canonical


@pytest.mark.parametrize(
    "param",
    [
        "utm_source=newsletter",
        "utm_medium=email",
        "UTM_Campaign=x",
        "fbclid=abc",
        "gclid=abc",
        "mc_cid=1",
        "mc_eid=2",
        "igshid=3",
        "ref=twitter",
        "ref_src=twsrc",
        "cmpid=rss",
        "ocid=msn",
        "_ga=2.1.2",
    ],
)
def test_tracking_parameters_are_removed(param):
    assert canonicalize_url(f"https://news.example/story?id=7&{param}") == (
        "https://news.example/story?id=7"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://alice:s3cret@news.example/story?id=7",
        "https://alice@news.example/story?id=7",
        "https://:s3cret@News.Example:443/story?id=7#top",
        "https://a%40b:p%3Ass@news.example/story?id=7",
    ],
)
def test_credentials_never_reach_the_canonical_url(url):
    canonical = canonicalize_url(url)

    assert canonical == "https://news.example/story?id=7"
    assert "s3cret" not in canonical
    assert "alice" not in canonical
    assert "@" not in canonical


def test_credentials_and_tracking_go_together_and_the_page_stays():
    url = "http://editor:pw@news.example:8080/a?utm_source=x&page=2&gclid=Z&fbclid=Y"
    assert canonicalize_url(url) == "http://news.example:8080/a?page=2"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        # The same path spelled with and without percent-encoding.
        ("https://news.example/a b", "https://news.example/a%20b"),
        ("https://news.example/a%20b", "https://news.example/a%20b"),
        ("https://news.example/caf%c3%a9", "https://news.example/caf%C3%A9"),
        ("https://news.example/~ed", "https://news.example/~ed"),
        ("https://news.example/%7Eed", "https://news.example/~ed"),
        # Dot segments resolve as a browser resolves them.
        ("https://news.example/a/../b/./c", "https://news.example/b/c"),
    ],
)
def test_equivalent_path_spellings_share_one_form(url, canonical):
    assert canonicalize_url(url) == canonical


def test_parameters_that_name_the_page_are_kept():
    url = "https://news.example/view?cid=12&source=rss&uid=3&session=4"
    assert canonicalize_url(url) == "https://news.example/view?cid=12&session=4&source=rss&uid=3"


def test_without_credentials_keeps_the_rest_of_the_url_as_given():
    assert without_credentials("https://u:p@News.example/A?utm_source=x#f") == (
        "https://News.example/A?utm_source=x#f"
    )
    assert without_credentials("https://news.example/a@b") == "https://news.example/a@b"


def test_only_tracking_parameters_leave_no_question_mark():
    assert canonicalize_url("https://news.example/story?utm_source=x&fbclid=y") == (
        "https://news.example/story"
    )


def test_same_page_shared_differently_has_one_canonical_form():
    a = "https://WWW.News.example:443/story?id=7&utm_source=fb#comments"
    b = "https://www.news.example/story?fbclid=XYZ&id=7"
    assert canonicalize_url(a) == canonicalize_url(b)


@pytest.mark.parametrize("url", ["not a url", "/relative/path", "example.com/path", "https://"])
def test_relative_or_hostless_url_is_rejected(url):
    with pytest.raises(UrlError) as exc:
        canonicalize_url(url)
    assert exc.value.code == "url_invalid"


query_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8)


@given(
    host=st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,10}\.(com|org|example)", fullmatch=True),
    port=st.sampled_from(["", ":80", ":443", ":8080"]),
    path=st.from_regex(r"(/[A-Za-z0-9._~%-]{0,8}){0,3}", fullmatch=True),
    params=st.lists(
        st.tuples(st.sampled_from(["a", "b", "id", "utm_source", "fbclid", "q"]), query_text),
        max_size=5,
    ),
    fragment=st.sampled_from(["", "#top", "#"]),
    scheme=st.sampled_from(["http", "HTTPS", "https"]),
)
def test_canonicalize_is_idempotent(host, port, path, params, fragment, scheme):
    from urllib.parse import urlencode

    query = ("?" + urlencode(params)) if params else ""
    once = canonicalize_url(f"{scheme}://{host}{port}{path}{query}{fragment}")
    assert canonicalize_url(once) == once
    assert "#" not in once
    assert "utm_source" not in once
    assert "fbclid" not in once
    assert not once.endswith("?")


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.Example.com/a", "example.com"),
        ("https://news.example.com/a", "news.example.com"),
        ("http://example.com:8080/", "example.com"),
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("bbc.co.uk", "bbc.co.uk"),
        ("https://wwwhat.example/", "wwwhat.example"),
    ],
)
def test_domain_of(url, domain):
    assert domain_of(url) == domain


def test_domain_of_without_host_is_rejected():
    with pytest.raises(UrlError):
        domain_of("https://")


@pytest.mark.parametrize(
    ("url", "label", "registrable"),
    [
        ("https://news.bbc.co.uk/x", "bbc", "bbc.co.uk"),
        ("https://www.theguardian.com/world", "theguardian", "theguardian.com"),
        ("harbourdaily.example", "harbourdaily", "harbourdaily.example"),
        ("https://m.kelso-times.example/a", "kelso-times", "kelso-times.example"),
        ("http://10.0.0.7/a", "10.0.0.7", "10.0.0.7"),
        ("http://[2001:db8::1]:8080/a", "2001:db8::1", "2001:db8::1"),
        ("http://intranet.corp/a", "intranet", "intranet.corp"),
    ],
)
def test_site_label_uses_the_public_suffix_list(url, label, registrable):
    assert site_label(url) == (label, registrable)


def test_site_label_never_touches_the_network(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("tldextract tried the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    canonical._extractor.cache_clear()  # build the extractor afresh, offline
    assert site_label("https://news.example.co.nz/x") == ("example", "example.co.nz")
