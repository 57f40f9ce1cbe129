"""Safe fetching: which addresses may be reached, and the limits on size, time and type."""

from __future__ import annotations

import gzip

import pytest

from tests.local_server import article_page
from timeline.fetching import (
    FEED_TYPES,
    ConnectionFailed,
    FetchPolicy,
    FetchTimeout,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
    UnsafeURL,
    WrongContentType,
    address_refusal,
    check_url,
    fetch,
)

# The test server is on 127.0.0.1: let that one address through and nothing else private.
LOCAL = FetchPolicy(allowed_networks=("127.0.0.1/32",))
STRICT = FetchPolicy()


def fixed(*addresses: str):
    """A resolver that answers every name with the given addresses (no DNS in tests)."""
    return lambda host, port: list(addresses)


@pytest.mark.parametrize(
    ("address", "refused_as"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.7", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata endpoints live here
        ("fe80::1", "link-local"),
        ("fd00::5", "private"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),  # carrier-grade NAT
        ("::ffff:127.0.0.1", "loopback"),  # IPv4 smuggled inside IPv6
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_each_kind_of_non_public_address_is_refused_and_public_ones_pass(address, refused_as):
    refusal = address_refusal(address)
    if refused_as is None:
        assert refusal is None
    else:
        assert refusal is not None and refusal.startswith(refused_as)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/a", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("http:///nohost", "no host name"),
        ("http://user:secret@example.org/", "user name or password"),
        ("http://example.org:99999/", "not a valid URL"),
    ],
)
def test_urls_that_are_not_plain_web_addresses_are_refused(url, message):
    with pytest.raises(UnsafeURL, match=message):
        check_url(url, policy=STRICT, resolver=fixed("93.184.216.34"))


def test_a_name_is_refused_when_any_of_its_addresses_is_private():
    with pytest.raises(UnsafeURL, match="private address 10.1.2.3"):
        check_url(
            "https://news.example.org/a",
            policy=STRICT,
            resolver=fixed("93.184.216.34", "10.1.2.3"),
        )


def test_the_allow_private_setting_lets_private_addresses_through():
    policy = FetchPolicy(allow_private=True)
    assert check_url("http://intranet/a", policy=policy, resolver=fixed("10.1.2.3")) == ["10.1.2.3"]


def test_a_name_that_does_not_resolve_is_a_clear_connection_error():
    def nowhere(host, port):
        raise OSError("Name or service not known")

    with pytest.raises(ConnectionFailed, match="does not resolve"):
        check_url("http://no-such-host.invalid/", policy=STRICT, resolver=nowhere)


def test_the_local_test_server_itself_is_refused_without_an_allowance(local_server):
    url = local_server.serve("/a", body=article_page())
    with pytest.raises(UnsafeURL, match="loopback address 127.0.0.1"):
        fetch(url, policy=STRICT)
    assert local_server.hits("/a") == []


def test_a_page_is_fetched_with_its_type_charset_and_validators(local_server):
    url = local_server.serve(
        "/a",
        body=article_page(),
        headers={"Last-Modified": "Wed, 24 Mar 2021 10:00:00 GMT"},
        etag='"v1"',
    )
    page = fetch(url, policy=LOCAL)
    assert page.status == 200
    assert page.content_type == "text/html" and page.charset == "utf-8"
    assert b"Ever Given ran aground" in page.body
    assert page.etag == '"v1"' and page.last_modified == "Wed, 24 Mar 2021 10:00:00 GMT"
    assert local_server.hits("/a")[0]["User-Agent"].startswith("NewsTimeline/")


def test_a_conditional_request_that_matches_gets_not_modified(local_server):
    url = local_server.serve(
        "/feed", body=b"<rss/>", content_type="application/rss+xml", etag='"7"'
    )
    page = fetch(url, policy=LOCAL, accept=FEED_TYPES, etag='"7"', last_modified="yesterday")
    assert page.not_modified and page.body == b"" and page.etag == '"7"'
    sent = local_server.hits("/feed")[0]
    assert sent["If-None-Match"] == '"7"' and sent["If-Modified-Since"] == "yesterday"


def test_redirects_are_followed_one_checked_hop_at_a_time(local_server):
    final = local_server.serve("/final", body=article_page())
    local_server.serve("/moved", status=301, headers={"Location": "/final"})
    start = local_server.serve(
        "/start", status=302, headers={"Location": local_server.url("/moved")}
    )
    page = fetch(start, policy=LOCAL)
    assert page.url == final
    assert page.redirects == (start, local_server.url("/moved"))


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8000/",
        "http://0.0.0.0:8000/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
    ],
)
def test_a_redirect_to_a_private_address_or_another_scheme_is_refused(local_server, target):
    start = local_server.serve("/jump", status=302, headers={"Location": target})
    with pytest.raises(UnsafeURL):
        fetch(start, policy=LOCAL)


def test_a_redirect_loop_stops_with_a_clear_error(local_server):
    local_server.serve("/loop", status=302, headers={"Location": "/loop"})
    with pytest.raises(TooManyRedirects, match="more than 5 redirects"):
        fetch(local_server.url("/loop"), policy=LOCAL)
    assert len(local_server.hits("/loop")) == 6


def test_a_body_larger_than_the_limit_is_refused_while_reading(local_server):
    # The server declares nothing misleading: the size only shows while the body streams in.
    url = local_server.serve("/big", body=b"<p>" + b"x" * 300_000)
    policy = FetchPolicy(allowed_networks=LOCAL.allowed_networks, max_bytes=100_000)
    with pytest.raises(TooLarge, match="larger than the 97 KB limit"):
        fetch(url, policy=policy)


def test_a_declared_length_over_the_limit_is_refused_before_reading(local_server):
    url = local_server.serve("/huge", body=b"<p>small</p>", declared_length=10**9)
    with pytest.raises(TooLarge):
        fetch(url, policy=LOCAL)


def test_a_compressed_bomb_is_measured_after_decompression(local_server):
    bomb = gzip.compress(b" " * 2_000_000)
    url = local_server.serve("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    policy = FetchPolicy(allowed_networks=LOCAL.allowed_networks, max_bytes=500_000)
    assert len(bomb) < 500_000
    with pytest.raises(TooLarge):
        fetch(url, policy=policy)


def test_a_server_that_does_not_answer_in_time_is_a_timeout(local_server):
    url = local_server.serve("/slow", body=article_page(), delay=1.5)
    policy = FetchPolicy(allowed_networks=LOCAL.allowed_networks, read_timeout=0.3)
    with pytest.raises(FetchTimeout, match="no answer within 0.3 s"):
        fetch(url, policy=policy)


def test_a_server_trickling_bytes_is_stopped_by_the_total_time_limit(local_server):
    url = local_server.serve("/drip", body=b"x" * 200, trickle=10, delay=0.1)
    policy = FetchPolicy(allowed_networks=LOCAL.allowed_networks, read_timeout=1, total_timeout=0.5)
    with pytest.raises(FetchTimeout, match="longer than 0.5 s"):
        fetch(url, policy=policy)


@pytest.mark.parametrize(
    ("content_type", "accept", "ok"),
    [
        ("text/html; charset=utf-8", None, True),
        ("application/xhtml+xml", None, True),
        ("application/pdf", None, False),
        ("image/png", None, False),
        ("application/rss+xml", FEED_TYPES, True),
        ("application/atom+xml; charset=utf-8", FEED_TYPES, True),
        ("application/octet-stream", FEED_TYPES, False),
    ],
)
def test_only_the_expected_content_types_are_read(local_server, content_type, accept, ok):
    url = local_server.serve("/typed", body=b"<html></html>", content_type=content_type)
    kwargs = {"accept": accept} if accept else {}
    if ok:
        assert fetch(url, policy=LOCAL, **kwargs).status == 200
    else:
        with pytest.raises(WrongContentType, match="the server sent"):
            fetch(url, policy=LOCAL, **kwargs)


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_an_error_status_names_the_status(local_server, status):
    url = local_server.serve("/gone", status=status, body=b"no")
    with pytest.raises(HTTPStatusError, match=f"HTTP {status}") as caught:
        fetch(url, policy=LOCAL)
    assert caught.value.status == status


def test_a_closed_port_is_a_connection_error(local_server):
    with pytest.raises(ConnectionFailed, match="could not connect"):
        fetch("http://127.0.0.1:1/", policy=LOCAL)


def test_https_verifies_the_certificate_and_refuses_one_nobody_vouches_for(tmp_path):
    import shutil
    import subprocess

    from tests.conftest import missing
    from tests.local_server import LocalServer

    if not shutil.which("openssl"):
        missing("openssl is needed to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"],
        check=True,
        capture_output=True,
    )
    with LocalServer(tls_cert=str(cert), tls_key=str(key)) as server:
        url = server.serve("/a", body=article_page())
        assert url.startswith("https://")
        with pytest.raises(ConnectionFailed, match="the secure connection failed"):
            fetch(url, policy=LOCAL)
