"""Response headers, cookies, CSRF and the TLS proxy (README "Security").

- Headers (flask-talisman, on every response): a Content-Security-Policy that runs only the site's own script
  files (no inline script, no plugins, no <base>, no framing by any site), X-Content-Type-Options: nosniff,
  Referrer-Policy: same-origin (case ids in URLs never leave the site; same-origin form posts keep the Referer
  Flask-WTF checks over HTTPS), X-Frame-Options for older browsers, and HSTS on HTTPS requests.
- Cookies: HttpOnly, SameSite=Lax, and Secure on every request that came over HTTPS (and always behind a TLS
  proxy, where every public request did).
- CSRF (Flask-WTF): every state-changing request authenticated by the session cookie carries the session's token,
  in the form field `csrf_token` or the `X-CSRFToken` header. HTTP Basic requests carry none: a browser adds no
  Basic credentials to a cross-site request on its own (the app never asks for them with WWW-Authenticate), and
  state-changing API routes read JSON bodies only, which a cross-site form cannot send.
- WENZE_BEHIND_TLS_PROXY: werkzeug's ProxyFix trusts one proxy's X-Forwarded-For, -Proto and -Host, so that
  sign-in throttling counts the client's address, not the proxy's, and HTTPS requests are known as such.
"""
from __future__ import annotations

from flask import Flask, Request, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from ..errors import ForgedRequest
from ..settings import Settings

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    # Inline style is allowed: bpmn-js and dmn-js style the elements they draw; style runs no code.
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Flask-WTF's reasons (English) as the user reads them.
_CSRF_REASONS = {
    "The CSRF token is missing.": "缺少 CSRF 令牌：表单须带 csrf_token 字段，API 请求须带 X-CSRFToken 请求头"
                                  "（令牌见 GET /api/session 或登录的答复）",
    "The CSRF session token is missing.": "会话中没有 CSRF 令牌（会话已结束或未带 Cookie）：请重新打开页面或重新登录",
    "The CSRF token is invalid.": "CSRF 令牌无效：请重新打开页面后再提交",
    "The CSRF tokens do not match.": "CSRF 令牌与会话不符：请重新打开页面后再提交",
    "The referrer header is missing.": "HTTPS 请求缺少 Referer 请求头，无法确认请求来自本站",
    "The referrer does not match the host.": "请求来自其他网站（Referer 与本站不符），已拒绝",
}


class _SecureWhenHttps(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with Secure set whenever the request came over HTTPS, not only when
    configured: a cookie issued over HTTPS is never sent back in clear text."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def install(app: Flask, settings: Settings) -> CSRFProtect:
    """Headers, cookies, CSRF and the proxy as the module docstring says; returns the CSRF protection (for
    exempting the views that issue the token)."""
    if settings.behind_tls_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.session_interface = _SecureWhenHttps()
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=settings.behind_tls_proxy,
                      # The token lives as long as the session: signing out or a password change ends both.
                      WTF_CSRF_TIME_LIMIT=None,
                      # Checked by _csrf below, which knows requests with credentials of their own need no token.
                      WTF_CSRF_CHECK_DEFAULT=False)
    Talisman(app, force_https=False, frame_options="DENY", content_security_policy=CONTENT_SECURITY_POLICY,
             referrer_policy="same-origin", session_cookie_secure=settings.behind_tls_proxy,
             strict_transport_security_include_subdomains=False)
    csrf = CSRFProtect(app)

    @app.before_request
    def _csrf() -> None:
        if credentials(request):
            return
        try:
            csrf.protect(apply_exemptions=True)
        except CSRFError as err:
            raise ForgedRequest(_CSRF_REASONS.get(str(err.description), "无法确认请求来自本站，已拒绝")) from None

    return csrf


def credentials(incoming: Request) -> str | None:
    """How the request names its user in its Authorization header: "basic" (user and password), "bearer" (an API
    token), or None (then the session cookie does, if anything). With a header the cookie is not consulted."""
    authorization = incoming.authorization
    return authorization.type if authorization is not None and authorization.type in ("basic", "bearer") else None
