"""Rate limits per client on the web app's public requests, counted before anything reads them."""

from __future__ import annotations

from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.ratelimit import LOGIN, POLLING, PUBLIC, RateLimiter, login_refusal_page, too_many_messages


def limited_route(method: str, path: str) -> tuple[str, str] | None:
    """(kind of limit, counter) for the requests rate-limited per client; None for the others: the advisors'
    pages and reference search are behind a login, the widget and demo are static."""
    if method == "POST" and path == "/api/ratings":
        return PUBLIC, "ratings"
    if path.startswith("/api/handoff/"):
        return POLLING, "handoff"
    if method == "POST" and path == "/conseiller/connexion":
        return LOGIN, "login"
    return None


class RateLimitMiddleware:
    """Counts the public requests per client before anything reads them, so that refused ones cost nothing:
    429 with `Retry-After`, a French JSON error (a small French page for the login form)."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app, self.limiter = app, limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = limited_route(scope["method"], scope["path"]) if scope["type"] == "http" else None
        if route is not None:
            kind, counter = route
            forwarded = [value.decode("latin-1") for name, value in scope["headers"] if name == b"x-forwarded-for"]
            peer = (scope.get("client") or ("", 0))[0]
            wait = self.limiter.hit(kind, counter, self.limiter.client(peer, forwarded))
            if wait is not None:
                headers = {"Retry-After": str(wait)}
                refusal: Response = (HTMLResponse(login_refusal_page(wait), status_code=429, headers=headers)
                                     if kind == LOGIN else
                                     JSONResponse({"error": too_many_messages(wait)}, status_code=429, headers=headers))
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)
