"""Dependencies of the web app's routes, declared once: the services of the composition root, a database
session, the advisor logged in, the CSRF check, and the page renderer.

The app keeps its collaborators in `app.state` (set by `assistant.web.app.create_app`); tests override any of
these with `app.dependency_overrides`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from assistant.bootstrap import Services
from assistant.handoff.advisors import mark_seen
from assistant.handoff.models import CALLBACK, CLOSED, LIVE, WAITING, AdvisorRow
from assistant.web.rasa_client import RasaClient
from assistant.web.reference import QuickReference

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
VIEWS = {"waiting": "En attente", "mine": "Mes demandes", "closed": "Clôturées"}
STATUS_LABELS = {WAITING: "en attente", LIVE: "en direct", CALLBACK: "rappel", CLOSED: "clôturée"}


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_rasa(request: Request) -> RasaClient:
    return request.app.state.rasa


def get_reference(request: Request) -> QuickReference:
    return request.app.state.reference


def database(services: Annotated[Services, Depends(get_services)]) -> Iterator[Session]:
    with services.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(database)]
RasaDep = Annotated[RasaClient, Depends(get_rasa)]
ReferenceDep = Annotated[QuickReference, Depends(get_reference)]


def current_advisor(request: Request, session: SessionDep) -> AdvisorRow:
    """The advisor of a console page; the login page otherwise. Each page marks the advisor online."""
    advisor_id = request.session.get("advisor_id")
    found = session.get(AdvisorRow, advisor_id) if advisor_id else None
    if found is None:
        raise HTTPException(status_code=303, headers={"Location": "/conseiller/connexion"})
    mark_seen(session=session, advisor_id=found.id)
    return found


def api_advisor(request: Request, session: SessionDep) -> AdvisorRow:
    """The advisor of an API call; 401 otherwise."""
    found = session.get(AdvisorRow, request.session.get("advisor_id") or 0)
    if found is None:
        raise HTTPException(status_code=401, detail="Connectez-vous à la console des conseillers.")
    return found


AdvisorDep = Annotated[AdvisorRow, Depends(current_advisor)]
ApiAdvisorDep = Annotated[AdvisorRow, Depends(api_advisor)]


def checked_form(request: Request, csrf_token: str = Form("")) -> None:
    """Every console form carries the session's CSRF token."""
    expected = request.session.get("csrf")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        raise HTTPException(status_code=403, detail="Formulaire expiré : rechargez la page et recommencez.")


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    """A console page, with the CSRF token its forms need."""
    token = request.session.setdefault("csrf", secrets.token_urlsafe(32))
    return TEMPLATES.TemplateResponse(request, template, {"csrf": token, "views": VIEWS, "statuses": STATUS_LABELS,
                                                          **context}, status_code=status_code)
