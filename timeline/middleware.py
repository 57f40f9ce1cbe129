"""The Content-Security-Policy middleware, with the one allowance Django admin's history needs."""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy everywhere; history pages in admin may also carry style attributes.

    django-simple-history's history list sets an inline style attribute on its paginator. Those
    cannot run script, so allowing them there (and only there) keeps the page intact
    without loosening script-src anywhere.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        match = request.resolver_match
        if match and match.namespace == "admin" and (match.url_name or "").endswith("history"):
            parts.update = {**(parts.update or {}), "style-src-attr": [UNSAFE_INLINE]}
        return parts
