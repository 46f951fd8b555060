"""URL canonicalisation and domains."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.text.canonical import canonicalize_url, domain_of
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
