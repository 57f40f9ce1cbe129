"""Template context shared by every page: the request's Content-Security-Policy nonce."""

from __future__ import annotations

from django.http import HttpRequest


def csp_nonce(request: HttpRequest) -> dict[str, object]:
    """`csp_nonce`, the name {% htmx_script %} and Django 6's own CSP support read.

    The value stays lazy: the nonce joins the policy header only when a template uses it.
    """
    return {"csp_nonce": getattr(request, "csp_nonce", None)}
