"""Safe HTTP fetching for pages and feeds: public addresses only, bounded in size and time."""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
    # Many servers label feeds as plain text or HTML; feedparser decides whether it is a feed.
    "text/plain",
    "text/html",
)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)


class FetchError(Exception):
    """A URL could not be fetched; the message says why in words an editor understands."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class UnsafeURL(FetchError):
    """The URL's scheme or address is not one the app may reach."""


class FetchTimeout(FetchError):
    pass


class TooLarge(FetchError):
    pass


class WrongContentType(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, url: str, status: int):
        self.status = status
        super().__init__(url, f"the server answered HTTP {status}")


class TooManyRedirects(FetchError):
    pass


class ConnectionFailed(FetchError):
    pass


@dataclass(frozen=True)
class FetchPolicy:
    """The limits one fetch runs under; callers build it from the project's settings."""

    allow_private: bool = False
    # Networks reachable even though they are private, e.g. ("10.2.0.0/16",) for an intranet.
    allowed_networks: tuple[str, ...] = ()
    max_bytes: int = 5 * 1024 * 1024
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    # A server trickling one byte at a time never trips the read timeout; this bounds the whole.
    total_timeout: float = 30.0
    max_redirects: int = 5
    user_agent: str = "NewsTimeline/1.0"


@dataclass(frozen=True)
class Fetched:
    """A response body and what the caller needs to know about it."""

    url: str  # the URL after redirects
    status: int
    content_type: str = ""
    charset: str | None = None
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    redirects: tuple[str, ...] = field(default_factory=tuple)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    """Every address the host name resolves to (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def address_refusal(address: str) -> str | None:
    """Why an IP address must not be fetched from, or None when it is a public address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # Most specific first: 0.0.0.0 and 240/4 also count as "private" to the stdlib.
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
    )
    for name, hit in checks:
        if hit:
            return f"{name} address {ip}"
    if not ip.is_global:
        return f"non-public address {ip}"
    return None


def _within(address: str, networks: list) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return any(ip.version == net.version and ip in net for net in networks)


def check_url(url: str, *, policy: FetchPolicy, resolver: Resolver = resolve) -> list[str]:
    """The addresses a URL may be fetched from; UnsafeURL when it must not be fetched at all."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(url, f"not a valid URL ({exc})") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL(url, "only http and https addresses can be fetched")
    if not parts.hostname:
        raise UnsafeURL(url, "the address has no host name")
    if parts.username or parts.password:
        raise UnsafeURL(url, "addresses with a user name or password are not fetched")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolver(parts.hostname, port)
    except (OSError, UnicodeError) as exc:
        raise ConnectionFailed(url, f"the host name {parts.hostname} does not resolve") from exc
    if not addresses:
        raise ConnectionFailed(url, f"the host name {parts.hostname} does not resolve")
    if not policy.allow_private:
        allowed = [ipaddress.ip_network(net, strict=False) for net in policy.allowed_networks]
        for address in addresses:
            refusal = address_refusal(address)
            if refusal and not _within(address, allowed):
                raise UnsafeURL(
                    url, f"{parts.hostname} resolves to a {refusal}, which is not fetched"
                )
    return addresses


def fetch(
    url: str,
    *,
    policy: FetchPolicy,
    accept: tuple[str, ...] = HTML_TYPES,
    etag: str = "",
    last_modified: str = "",
    resolver: Resolver = resolve,
) -> Fetched:
    """GET a URL under the policy, following redirects one checked hop at a time.

    Each hop connects to an address that was checked, not to whatever the name resolves to a
    moment later, so a name that changes its answer between check and connect gains nothing.
    A 304 (when etag or last_modified are given) comes back as Fetched with status 304.
    """
    started = time.monotonic()
    headers = {
        "User-Agent": policy.user_agent,
        "Accept": ", ".join(accept) + ", */*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    hops: list[str] = []
    current = url
    while True:
        response = _open(current, headers=headers, policy=policy, resolver=resolver)
        if response.status in REDIRECT_STATUSES:
            location = response.headers.get("Location", "")
            response.release_conn()
            if not location:
                raise HTTPStatusError(current, response.status)
            if len(hops) >= policy.max_redirects:
                raise TooManyRedirects(url, f"more than {policy.max_redirects} redirects")
            hops.append(current)
            current = urljoin(current, location)
            continue
        break
    try:
        if response.status == 304:
            return Fetched(
                url=current,
                status=304,
                etag=response.headers.get("ETag", etag),
                last_modified=response.headers.get("Last-Modified", last_modified),
                redirects=tuple(hops),
            )
        if response.status >= 400 or response.status < 200:
            raise HTTPStatusError(current, response.status)
        content_type, charset = _content_type(response.headers.get("Content-Type", ""))
        if content_type and content_type not in accept:
            raise WrongContentType(
                current,
                f"the server sent {content_type}, not {' or '.join(accept[:2])}",
            )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > policy.max_bytes:
            raise TooLarge(current, _too_large(policy.max_bytes))
        body = _read_bounded(response, current, policy=policy, started=started)
        return Fetched(
            url=current,
            status=response.status,
            content_type=content_type,
            charset=charset,
            body=body,
            etag=response.headers.get("ETag", ""),
            last_modified=response.headers.get("Last-Modified", ""),
            redirects=tuple(hops),
        )
    finally:
        response.release_conn()


def _too_large(limit: int) -> str:
    return f"the response is larger than the {limit // 1024:,} KB limit"


def _content_type(raw: str) -> tuple[str, str | None]:
    kind, _, params = raw.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip("\"' ")
    return kind.strip().lower(), charset


def _open(
    url: str, *, headers: dict[str, str], policy: FetchPolicy, resolver: Resolver
) -> urllib3.BaseHTTPResponse:
    addresses = check_url(url, policy=policy, resolver=resolver)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    timeout = urllib3.Timeout(connect=policy.connect_timeout, read=policy.read_timeout)
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if parts.port is None else f"[{host}]:{parts.port}"
    last_error: Exception | None = None
    for address in addresses:
        if parts.scheme == "https":
            pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
                address,
                port,
                timeout=timeout,
                retries=False,
                server_hostname=host,
                assert_hostname=host,
                cert_reqs="CERT_REQUIRED",
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
        try:
            return pool.urlopen(
                "GET",
                path,
                headers={**headers, "Host": host_header},
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=True,
                assert_same_host=False,
            )
        except urllib3.exceptions.NewConnectionError as exc:
            # Checked first: urllib3 makes it a subclass of ConnectTimeoutError.
            last_error = ConnectionFailed(url, f"could not connect ({_short(exc)})")
            last_error.__cause__ = exc
        except urllib3.exceptions.ConnectTimeoutError as exc:
            last_error = FetchTimeout(url, f"no connection within {policy.connect_timeout:g} s")
            last_error.__cause__ = exc
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise FetchTimeout(url, f"no answer within {policy.read_timeout:g} s") from exc
        except urllib3.exceptions.SSLError as exc:
            raise ConnectionFailed(url, f"the secure connection failed ({exc})") from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            last_error = ConnectionFailed(url, f"could not connect ({_short(exc)})")
            last_error.__cause__ = exc
    assert last_error is not None
    raise last_error


def _read_bounded(
    response: urllib3.BaseHTTPResponse, url: str, *, policy: FetchPolicy, started: float
) -> bytes:
    """The body, read in chunks so that neither its size nor a slow sender can run away."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.stream(64 * 1024):
            size += len(chunk)
            if size > policy.max_bytes:
                raise TooLarge(url, _too_large(policy.max_bytes))
            if time.monotonic() - started > policy.total_timeout:
                raise FetchTimeout(url, f"the download took longer than {policy.total_timeout:g} s")
            chunks.append(chunk)
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise FetchTimeout(url, f"no data for {policy.read_timeout:g} s") from exc
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError, OSError) as exc:
        raise ConnectionFailed(url, f"the download broke off ({_short(exc)})") from exc
    return b"".join(chunks)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "…"
