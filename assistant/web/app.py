"""The assistant's web app: the advisor console (login, tickets, claim, reply, close, notes), the quick
reference, and the public API the widget uses (ratings, handoff polling).

`create_app` only assembles: middleware, error handlers and the routers (`assistant/web/routers/`), whose
dependencies (`assistant/web/deps.py`) come from the composition root's services. Sessions are signed cookies
(HttpOnly, SameSite=Lax, Secure when configured); every form carries a per-session CSRF token. The public routes
are rate-limited per client before anything reads the request; errors are explained in French, never a 500:
data not loaded yet (`DataUnavailable`) is a 503 with its French explanation.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from assistant.bootstrap import DataUnavailable, Services
from assistant.ratelimit import RateLimiter, RateLimitError, RateLimitSettings
from assistant.web.deps import render
from assistant.web.rasa_client import RasaClient
from assistant.web.reference import QuickReference
from assistant.web.routers import console, public, reference
from assistant.web.routers.public import WEB_ASSETS

logger = logging.getLogger(__name__)

# Starlette's and FastAPI's own English explanations, in French.
FRENCH_DETAILS = {
    "Not Found": "Page introuvable.",
    "Method Not Allowed": "Méthode non autorisée.",
    "There was an error parsing the body": "Requête illisible : le corps doit être du JSON valide, encodé en UTF-8.",
}


def create_app(services: Services, rasa: RasaClient, *, session_secret: str, secure_cookies: bool = False,
               cors_origins: tuple[str, ...] = (), public_rasa_url: str = "http://localhost:5005",
               rate_limits: RateLimitSettings | RateLimiter | None = None) -> FastAPI:
    """The app; `rate_limits` are the settings (or a limiter, to share its counters), the defaults if None."""
    from assistant.web.middleware import RateLimitMiddleware

    limiter = rate_limits if isinstance(rate_limits, RateLimiter) else RateLimiter(rate_limits)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        await rasa.close()

    app = FastAPI(title="guichet — console des conseillers et API de mise en relation", lifespan=lifespan)
    app.state.services, app.state.rasa, app.state.public_rasa_url = services, rasa, public_rasa_url
    app.state.reference = QuickReference(services)
    app.add_middleware(SessionMiddleware, secret_key=session_secret, session_cookie="guichet_session",
                       same_site="lax", https_only=secure_cookies, max_age=8 * 3600)
    app.add_middleware(RateLimitMiddleware, limiter=limiter)  # inside CORS: a 429 still carries its headers
    if cors_origins:  # sites embedding the widget on another origin than this app
        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "X-Handoff-Secret"])
    app.mount("/widget", StaticFiles(directory=WEB_ASSETS / "widget"), name="widget")
    for router in (public.router, console.router, console.form_router, reference.router):
        app.include_router(router)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        if any(item.get("type") == "json_invalid" for item in error.errors()):
            return JSONResponse(status_code=422, content={"detail": "Requête illisible : le corps doit être du JSON."})
        fields = ", ".join(".".join(str(part) for part in item["loc"][1:]) or "corps" for item in error.errors())
        return JSONResponse(status_code=422, content={"detail": f"Requête invalide : vérifiez {fields}."})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        french = FRENCH_DETAILS.get(error.detail) if isinstance(error.detail, str) else None
        if french is not None:
            error = StarletteHTTPException(error.status_code, detail=french, headers=error.headers)
        return await http_exception_handler(request, error)

    @app.exception_handler(DataUnavailable)
    async def data_unavailable(request: Request, missing: DataUnavailable) -> Response:
        logger.error("%s %s : %s", request.method, request.url.path, missing.sentence)
        if request.url.path.startswith("/api/"):
            return JSONResponse(status_code=503, content={"detail": missing.sentence})
        return render(request, "unavailable.html", status_code=503, message=missing.sentence,
                      me=None)

    return app


def app_from_environment() -> FastAPI:
    """The app configured from the environment (`guichet web`)."""
    from assistant import config
    from assistant.bootstrap import services_from_environment

    secret = config.session_secret()
    if not secret:
        raise SystemExit("GUICHET_SESSION_SECRET n'est pas défini : donnez une clé secrète longue et aléatoire "
                         "(« make run » en crée une).")
    try:
        limiter = RateLimiter(RateLimitSettings.from_environment())
    except RateLimitError as error:
        raise SystemExit(str(error)) from None
    return create_app(services_from_environment(), RasaClient(config.rasa_url(), config.rasa_token()),
                      session_secret=secret, secure_cookies=config.secure_cookies(),
                      cors_origins=config.cors_origins(), public_rasa_url=config.public_rasa_url(),
                      rate_limits=limiter)
