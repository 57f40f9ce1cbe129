"""A small HTTP server on 127.0.0.1 that serves pages and feeds to the fetching tests."""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds to wait before answering, and between chunks when trickle is set.
    delay: float = 0.0
    trickle: int = 0
    # An ETag: a request that sends it back gets 304 Not Modified.
    etag: str = ""
    # Claim a Content-Length without sending that much (to test the declared-size check).
    declared_length: int | None = None


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A client that stops reading (the size and time limits under test) resets the
        # connection; that is the point of those tests, not an error worth a traceback.
        pass


class LocalServer:
    """Routes set by each test; every request's path and headers are kept for assertions."""

    def __init__(self, *, tls_cert: str | None = None, tls_key: str | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if route is None:
                    self._send(404, b"not here", "text/plain", {})
                    return
                if route.delay and not route.trickle:
                    time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self._send(304, b"", "", {"ETag": route.etag})
                    return
                headers = dict(route.headers)
                if route.etag:
                    headers["ETag"] = route.etag
                if route.trickle:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    try:
                        for start in range(0, len(route.body), route.trickle):
                            self.wfile.write(route.body[start : start + route.trickle])
                            self.wfile.flush()
                            time.sleep(route.delay)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                self._send(
                    route.status, route.body, route.content_type, headers, route.declared_length
                )

            def _send(self, status, body, content_type, headers, declared=None) -> None:
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                for name, value in headers.items():
                    self.send_header(name, value)
                length = declared if declared is not None else len(body)
                if status != 304:
                    self.send_header("Content-Length", str(length))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, format, *args) -> None:  # keep test output quiet
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.scheme = "http"
        if tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(tls_cert, tls_key)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, **kwargs) -> str:
        """Add (or replace) a route and return its full URL."""
        self.routes[path] = Route(**kwargs)
        return self.url(path)

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for seen, headers in self.requests if seen == path]

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def article_page(
    *,
    title: str = "Ship blocks canal",
    site: str = "Meridian Wire",
    published: str | None = "2021-03-24T10:00:00Z",
    modified: str | None = None,
    paragraphs: tuple[str, ...] = (
        "The container ship Ever Given ran aground in the Suez Canal on Tuesday, blocking "
        "traffic in both directions for the first time in years.",
        "Tugboats worked through Wednesday night to free it, the canal authority said in a "
        "statement on Thursday morning, adding that dredgers had joined the effort.",
    ),
    canonical: str = "",
) -> bytes:
    """An article page written for these tests, with the metadata publishers usually give."""
    meta = [
        f'<meta property="og:title" content="{title}">',
        f'<meta property="og:site_name" content="{site}">',
    ]
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    if modified:
        meta.append(f'<meta property="article:modified_time" content="{modified}">')
    if canonical:
        meta.append(f'<link rel="canonical" href="{canonical}">')
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><title>{title} | {site}</title>{''.join(meta)}"
        f"</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>© {site}</footer></body></html>"
    ).encode()
