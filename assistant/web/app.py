"""The assistant's web app: the advisor console (login, tickets, claim, reply, close, notes) and the
handoff API the user's client polls for the advisor's messages.

Sessions are signed cookies (HttpOnly, SameSite=Lax, Secure when configured); every form carries a
per-session CSRF token. The public routes (ratings, handoff polling, login form) are rate-limited per client
before anything reads the request (`assistant.ratelimit`); errors are explained in French, never a 500.
The console copies the user's messages from Rasa's tracker into the ticket each time it is looked at, so
that the exchange lives in the database, not in a process.
"""

from __future__ import annotations

import logging
import secrets
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Literal

from fastapi import Depends, FastAPI, Form, Header, HTTPException, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, StrictBool, constr, validator
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.config import PROJECT_ROOT
from assistant.feedback.report import record_rating, topic_report
from assistant.handoff.advisors import authenticate, mark_seen
from assistant.handoff.models import CALLBACK, CLOSED, LIVE, WAITING, AdvisorRow, TicketRow
from assistant.handoff.tickets import (
    add_message,
    add_note,
    claim_ticket,
    close_ticket,
    list_tickets,
    messages_after,
    record_user_messages,
    ticket_for_client,
)
from assistant.ratelimit import (
    LOGIN,
    POLLING,
    PUBLIC,
    RateLimiter,
    RateLimitError,
    RateLimitSettings,
    login_refusal_page,
    too_many_messages,
)
from assistant.text import storable
from assistant.web.rasa_client import RasaClient, RasaUnavailable
from assistant.web.reference import QuickReference

logger = logging.getLogger(__name__)

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
WEB_ASSETS = PROJECT_ROOT / "web"
DEMO = Jinja2Templates(directory=str(WEB_ASSETS / "demo"))
VIEWS = {"waiting": "En attente", "mine": "Mes demandes", "closed": "Clôturées"}
STATUS_LABELS = {WAITING: "en attente", LIVE: "en direct", CALLBACK: "rappel", CLOSED: "clôturée"}
MAX_TEXT = 4000
NOTICES = {
    "deja-prise": "Cette demande a déjà été prise par un autre conseiller.",
    "pas-en-direct": "Prenez d'abord la demande : seul le conseiller qui la tient peut répondre.",
    "message-vide": f"Le message est vide ou dépasse {MAX_TEXT} caractères.",
    "pas-a-vous": "Cette demande est tenue par un autre conseiller, ou déjà clôturée.",
    "rasa-indisponible": "L'assistant ne répond pas : la demande reste ouverte, réessayez de la clôturer.",
}
RESUMED_TEXT = ("Le conseiller a clôturé l'échange. Je reste à votre disposition pour vos démarches : posez-moi "
                "votre question.")
# Patterns read alike by Python and by JSON Schema (ECMA-262), whose \s differ: spelled out here.
SPACES = " \t\n\r\f\v"
NO_NUL = r"^[^\x00]*$"  # PostgreSQL refuses NUL in text
NOT_BLANK_NO_NUL = rf"^[{SPACES}]*[^{SPACES}\x00][^\x00]*$"
LARGEST_ID = 2**63 - 1  # the largest integer SQLite and PostgreSQL's BIGINT store; larger ones overflow
LARGEST_MESSAGE_ID = 2**53 - 1  # JavaScript's largest exact integer, exact too in the OpenAPI schema (a float)
# Starlette's and FastAPI's own English explanations, in French.
FRENCH_DETAILS = {
    "Not Found": "Page introuvable.",
    "Method Not Allowed": "Méthode non autorisée.",
    "There was an error parsing the body": "Requête illisible : le corps doit être du JSON valide, encodé en UTF-8.",
}


def storable_or_refused(value: str | None) -> str | None:
    """Pydantic validator: text a database cannot store (assistant.text.storable) is a 422, not a 500."""
    if value is not None and not storable(value):
        raise ValueError("caractères non autorisés")
    return value


def stripped(value: str | None) -> str | None:
    return value.strip(SPACES) if value is not None else None


def nullable_optionals(schema: dict, model: type[BaseModel]) -> None:
    """Pydantic 1 leaves `null` out of the schema of an optional field; clients (and the fuzzer) read it."""
    for name, field in model.__fields__.items():
        described = schema.get("properties", {}).get(name)
        if field.allow_none and described is not None:
            title = described.pop("title", name)
            schema["properties"][name] = {"title": title, "anyOf": [described, {"type": "null"}]}


class RatingIn(BaseModel):
    """A user's opinion of one answer, sent by the widget. Types are strict (no "true" for true, no number
    for a text) and lengths are checked before surrounding spaces are removed, as the schema says."""

    sender: constr(strict=True, min_length=1, max_length=255, regex=NOT_BLANK_NO_NUL)
    topic: constr(strict=True, max_length=60, regex=NO_NUL) | None = None
    kind: Literal["procedures", "structures"]
    useful: StrictBool
    reason: constr(strict=True, max_length=500, regex=NO_NUL) | None = None

    _storable = validator("sender", "topic", "reason", allow_reuse=True)(storable_or_refused)
    _stripped = validator("sender", "reason", allow_reuse=True)(stripped)

    class Config:
        schema_extra = staticmethod(nullable_optionals)


class RatingOut(BaseModel):
    id: int


class HandoffMessageOut(BaseModel):
    id: int
    recipient_id: str
    text: str


class HandoffOut(BaseModel):
    """What the user's client polls: the ticket's status and the advisor's messages after `after`."""

    ticket: str
    status: Literal["waiting", "live", "callback", "closed"]
    messages: list[HandoffMessageOut]


class ReferenceOut(BaseModel):
    results: list[dict]


class Problem(BaseModel):
    """An error explained in French."""

    detail: str


class TooManyRequests(BaseModel):
    """The rate limit's refusal, with the header `Retry-After` (seconds)."""

    error: str


RETRY_AFTER = {"Retry-After": {"description": "Secondes à attendre", "schema": {"type": "integer"}}}
INVALID = {422: {"model": Problem, "description": "Requête invalide (explication en français)"}}
UNREADABLE = {400: {"model": Problem, "description": "Corps illisible : pas du JSON, ou pas en UTF-8"}}
LIMITED = {429: {"model": TooManyRequests, "description": "Trop de requêtes de ce client", "headers": RETRY_AFTER}}


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


def create_app(sessions: sessionmaker, rasa: RasaClient, *, session_secret: str, secure_cookies: bool = False,
               cors_origins: tuple[str, ...] = (), public_rasa_url: str = "http://localhost:5005",
               rate_limits: RateLimitSettings | RateLimiter | None = None) -> FastAPI:
    """The app; `rate_limits` are the settings (or a limiter, to share its counters), the defaults if None."""
    limiter = rate_limits if isinstance(rate_limits, RateLimiter) else RateLimiter(rate_limits)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        await rasa.close()

    app = FastAPI(title="guichet — console des conseillers et API de mise en relation", lifespan=lifespan)
    app.add_middleware(SessionMiddleware, secret_key=session_secret, session_cookie="guichet_session",
                       same_site="lax", https_only=secure_cookies, max_age=8 * 3600)
    app.add_middleware(RateLimitMiddleware, limiter=limiter)  # inside CORS: a 429 still carries its headers
    if cors_origins:  # sites embedding the widget on another origin than this app
        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "X-Handoff-Secret"])
    app.mount("/widget", StaticFiles(directory=WEB_ASSETS / "widget"), name="widget")

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

    def database():
        with sessions() as session:
            yield session

    def advisor(request: Request, session: Session = Depends(database)) -> AdvisorRow:
        advisor_id = request.session.get("advisor_id")
        found = session.get(AdvisorRow, advisor_id) if advisor_id else None
        if found is None:
            raise HTTPException(status_code=303, headers={"Location": "/conseiller/connexion"})
        mark_seen(session=session, advisor_id=found.id)
        return found

    def api_advisor(request: Request, session: Session = Depends(database)) -> AdvisorRow:
        found = session.get(AdvisorRow, request.session.get("advisor_id") or 0)
        if found is None:
            raise HTTPException(status_code=401, detail="Connectez-vous à la console des conseillers.")
        return found

    def checked_form(request: Request, csrf_token: str = Form("")) -> None:
        expected = request.session.get("csrf")
        if not expected or not secrets.compare_digest(expected, csrf_token):
            raise HTTPException(status_code=403, detail="Formulaire expiré : rechargez la page et recommencez.")

    def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
        token = request.session.setdefault("csrf", secrets.token_urlsafe(32))
        return TEMPLATES.TemplateResponse(request, template, {"csrf": token, "views": VIEWS,
                                                              "statuses": STATUS_LABELS, **context},
                                          status_code=status_code)

    @app.get("/health", include_in_schema=False)
    def health() -> dict:
        return {"status": "ok"}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def demo(request: Request) -> HTMLResponse:
        """A demonstration page embedding the widget, as a mairie's site would."""
        return DEMO.TemplateResponse(request, "index.html", {"rasa_url": public_rasa_url})

    @app.post("/api/ratings", status_code=201, summary="Enregistre l'avis d'un usager sur une réponse",
              response_model=RatingOut, responses={**UNREADABLE, **INVALID, **LIMITED})
    def rate(rating: RatingIn, session: Session = Depends(database)) -> dict:
        row = record_rating(session=session, sender_id=rating.sender, topic=rating.topic, kind=rating.kind,
                            useful=rating.useful, reason=rating.reason or None)
        return {"id": row.id}

    reference = QuickReference(sessions)

    @app.get("/conseiller/reference", response_class=HTMLResponse, include_in_schema=False)
    def reference_page(request: Request, q: str = "", partenaire: str = "", theme: str = "",
                       me: AdvisorRow = Depends(advisor)) -> HTMLResponse:
        """Results as one types (script), and without a script the same search as a plain form."""
        return render(request, "reference.html", me=me, q=q, partner=partenaire, topic=theme,
                      knowledge=reference.knowledge, results=reference.search(q, partner=partenaire, topic=theme))

    @app.get("/api/reference/procedures", summary="Recherche de démarches pour les conseillers",
             response_model=ReferenceOut,
             responses={401: {"model": Problem, "description": "Conseiller non connecté"}, **INVALID})
    def reference_search(q: str = "", partenaire: str = "", theme: str = "",
                         _me: AdvisorRow = Depends(api_advisor)) -> dict:
        return {"results": reference.search(q[:200], partner=partenaire, topic=theme)}

    @app.get("/conseiller/reference/fiches/{procedure_id}", response_class=HTMLResponse, include_in_schema=False)
    def reference_sheet(request: Request, procedure_id: str, me: AdvisorRow = Depends(advisor)) -> HTMLResponse:
        found = reference.sheet(procedure_id)
        if found is None:
            raise HTTPException(status_code=404, detail="Fiche introuvable.")
        procedure, text, mailto = found
        return render(request, "sheet.html", me=me, procedure=procedure, text=text, mailto=mailto,
                      partner=reference.knowledge.partner(procedure.partner))

    @app.get("/conseiller/annuaire", response_class=HTMLResponse, include_in_schema=False)
    def directory(request: Request, q: str = "", me: AdvisorRow = Depends(advisor)) -> HTMLResponse:
        reply = reference.structures(q[:200]) if q.strip() else None
        return render(request, "directory.html", me=me, q=q, reply=reply)

    @app.get("/conseiller/statistiques", response_class=HTMLResponse, include_in_schema=False)
    def statistics(request: Request, me: AdvisorRow = Depends(advisor),
                   session: Session = Depends(database)) -> HTMLResponse:
        return render(request, "statistics.html", me=me, rows=topic_report(session=session))

    @app.get("/conseiller/connexion", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        return render(request, "login.html")

    @app.post("/conseiller/connexion", include_in_schema=False, dependencies=[Depends(checked_form)])
    def login(request: Request, login: str = Form(""), password: str = Form(""),
              session: Session = Depends(database)) -> Response:
        plausible = len(login) <= 255 and len(password) <= 1024 and "\x00" not in login + password
        found = authenticate(session=session, login=login, password=password) if plausible else None
        if found is None:
            return render(request, "login.html", status_code=401, error="Identifiant ou mot de passe incorrect.")
        request.session.clear()
        request.session.update(advisor_id=found.id, csrf=secrets.token_urlsafe(32))
        return RedirectResponse("/conseiller", status_code=303)

    @app.post("/conseiller/deconnexion", include_in_schema=False, dependencies=[Depends(checked_form)])
    def logout(request: Request) -> Response:
        request.session.clear()
        return RedirectResponse("/conseiller/connexion", status_code=303)

    @app.get("/conseiller", response_class=HTMLResponse, include_in_schema=False)
    def ticket_list(request: Request, vue: str = "waiting", departement: str = "",
                    me: AdvisorRow = Depends(advisor), session: Session = Depends(database)) -> HTMLResponse:
        view = vue if vue in VIEWS else "waiting"
        departments = [departement.strip().upper()] if departement.strip() else list(me.departments)
        tickets = list_tickets(session=session, view=view, advisor_id=me.id, departments=departments)
        return render(request, "tickets.html", me=me, view=view, tickets=tickets, department=departement.strip())

    def held_ticket(ticket_id: int, session: Session) -> TicketRow:
        ticket = session.get(TicketRow, ticket_id)
        if ticket is None:
            raise HTTPException(status_code=404, detail="Demande introuvable.")
        return ticket

    @app.get("/conseiller/demandes/{ticket_id}", response_class=HTMLResponse, include_in_schema=False)
    async def ticket_page(request: Request, ticket_id: int, message: str = "", me: AdvisorRow = Depends(advisor),
                          session: Session = Depends(database)) -> HTMLResponse:
        ticket = held_ticket(ticket_id, session)
        warning = await copy_user_messages(ticket, session)
        session.refresh(ticket)
        return render(request, "ticket.html", me=me, ticket=ticket, warning=warning, notice=NOTICES.get(message))

    async def copy_user_messages(ticket: TicketRow, session: Session) -> str | None:
        """The user's messages since the handoff, from Rasa's tracker; a French warning when Rasa is down."""
        if ticket.status not in (WAITING, LIVE):
            return None
        try:
            messages = await rasa.user_messages_since(ticket.sender_id, ticket.created_at)
        except RasaUnavailable as error:
            return f"Messages de l'usager indisponibles pour l'instant : {error}."
        try:
            record_user_messages(session=session, ticket_id=ticket.id,
                                 messages=[(m.timestamp, m.text) for m in messages])
        except IntegrityError:  # another request copied them at the same moment
            session.rollback()
        return None

    def back(ticket_id: int, message: str = "") -> RedirectResponse:
        suffix = f"?message={message}" if message else ""
        return RedirectResponse(f"/conseiller/demandes/{ticket_id}{suffix}", status_code=303)

    @app.post("/conseiller/demandes/{ticket_id}/prendre", include_in_schema=False,
              dependencies=[Depends(checked_form)])
    def claim(ticket_id: int, me: AdvisorRow = Depends(advisor), session: Session = Depends(database)) -> Response:
        held_ticket(ticket_id, session)
        if not claim_ticket(session=session, ticket_id=ticket_id, advisor_id=me.id):
            return back(ticket_id, "deja-prise")
        return back(ticket_id)

    @app.post("/conseiller/demandes/{ticket_id}/repondre", include_in_schema=False,
              dependencies=[Depends(checked_form)])
    def reply(ticket_id: int, text: str = Form(""), me: AdvisorRow = Depends(advisor),
              session: Session = Depends(database)) -> Response:
        ticket = held_ticket(ticket_id, session)
        if ticket.claimed_by != me.id or ticket.status != LIVE:
            return back(ticket_id, "pas-en-direct")
        if not text.strip() or len(text) > MAX_TEXT:
            return back(ticket_id, "message-vide")
        add_message(session=session, ticket_id=ticket_id, author="advisor", text=text.strip(), advisor_id=me.id)
        return back(ticket_id)

    @app.post("/conseiller/demandes/{ticket_id}/note", include_in_schema=False, dependencies=[Depends(checked_form)])
    def note(ticket_id: int, text: str = Form(""), me: AdvisorRow = Depends(advisor),
             session: Session = Depends(database)) -> Response:
        held_ticket(ticket_id, session)
        if text.strip() and len(text) <= MAX_TEXT:
            add_note(session=session, ticket_id=ticket_id, advisor_id=me.id, text=text.strip())
        return back(ticket_id)

    @app.post("/conseiller/demandes/{ticket_id}/cloturer", include_in_schema=False,
              dependencies=[Depends(checked_form)])
    async def close(ticket_id: int, me: AdvisorRow = Depends(advisor),
                    session: Session = Depends(database)) -> Response:
        """The bot is resumed first: if Rasa is down, the ticket stays open and the advisor can retry."""
        ticket = held_ticket(ticket_id, session)
        if ticket.claimed_by not in (None, me.id) or ticket.status == CLOSED:
            return back(ticket_id, "pas-a-vous")
        if ticket.status in (WAITING, LIVE):
            try:
                await rasa.resume(ticket.sender_id, RESUMED_TEXT)
            except RasaUnavailable:
                logger.exception("Reprise de la conversation %s impossible", ticket.sender_id)
                return back(ticket_id, "rasa-indisponible")
            add_message(session=session, ticket_id=ticket_id, author="system", text=RESUMED_TEXT)
        close_ticket(session=session, ticket_id=ticket_id, advisor_id=me.id)
        return back(ticket_id)

    @app.get("/api/handoff/{ticket_id}", summary="L'état d'une demande et les messages du conseiller",
             response_model=HandoffOut,
             responses={404: {"model": Problem, "description": "Demande inconnue, ou secret faux"},
                        **INVALID, **LIMITED})
    def client_messages(ticket_id: int,
                        after: int = Query(0, ge=0, le=LARGEST_MESSAGE_ID,
                                           description="Identifiant du dernier message reçu"),
                        x_handoff_secret: str = Header("", alias="X-Handoff-Secret",
                                                       description="Le secret reçu avec le numéro de demande"),
                        session: Session = Depends(database)) -> dict:
        """For the user's client, with the secret received in the `handoff` payload (header `X-Handoff-Secret`).
        Advisor messages come as plain text messages, like the bot's."""
        in_range = 0 < ticket_id <= LARGEST_ID
        ticket = ticket_for_client(session=session, ticket_id=ticket_id, secret=x_handoff_secret) if in_range else None
        if ticket is None:
            raise HTTPException(status_code=404, detail="Demande introuvable.")
        messages = [m for m in messages_after(session=session, ticket_id=ticket_id, after_id=after)
                    if m.author != "user"]
        return {"ticket": str(ticket.id), "status": ticket.status,
                "messages": [{"id": m.id, "recipient_id": ticket.sender_id, "text": m.text} for m in messages]}

    return app


def app_from_environment() -> FastAPI:
    """The app configured from the environment (`guichet web`)."""
    from assistant import config
    from assistant.db import create_database_engine, create_schema, create_session_factory

    secret = config.session_secret()
    if not secret:
        raise SystemExit("GUICHET_SESSION_SECRET n'est pas défini : donnez une clé secrète longue et aléatoire "
                         "(« make run » en crée une).")
    try:
        limiter = RateLimiter(config.rate_limits())
    except RateLimitError as error:
        raise SystemExit(str(error)) from None
    engine = create_database_engine(config.database_url())
    create_schema(engine)
    return create_app(create_session_factory(engine), RasaClient(config.rasa_url(), config.rasa_token()),
                      session_secret=secret, secure_cookies=config.secure_cookies(),
                      cors_origins=config.cors_origins(), public_rasa_url=config.public_rasa_url(),
                      rate_limits=limiter)
