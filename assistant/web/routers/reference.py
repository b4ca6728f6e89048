"""The advisors' quick reference: procedures as one types, a printable sheet, the structures' directory."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from assistant.web.deps import AdvisorDep, ApiAdvisorDep, ReferenceDep, render
from assistant.web.schemas import INVALID, UNAVAILABLE, Problem, ReferenceOut

router = APIRouter()


@router.get("/conseiller/reference", response_class=HTMLResponse, include_in_schema=False)
def reference_page(request: Request, me: AdvisorDep, reference: ReferenceDep, q: str = "", partenaire: str = "",
                   theme: str = "") -> HTMLResponse:
    """Results as one types (script), and without a script the same search as a plain form."""
    return render(request, "reference.html", me=me, q=q, partner=partenaire, topic=theme,
                  knowledge=reference.knowledge, results=reference.search(q, partner=partenaire, topic=theme))


@router.get("/api/reference/procedures", summary="Recherche de démarches pour les conseillers",
            response_model=ReferenceOut,
            responses={401: {"model": Problem, "description": "Conseiller non connecté"}, **INVALID, **UNAVAILABLE})
def reference_search(_me: ApiAdvisorDep, reference: ReferenceDep, q: str = "", partenaire: str = "",
                     theme: str = "") -> dict:
    return {"results": reference.search(q[:200], partner=partenaire, topic=theme)}


@router.get("/conseiller/reference/fiches/{procedure_id}", response_class=HTMLResponse, include_in_schema=False)
def reference_sheet(request: Request, procedure_id: str, me: AdvisorDep, reference: ReferenceDep) -> HTMLResponse:
    found = reference.sheet(procedure_id)
    if found is None:
        raise HTTPException(status_code=404, detail="Fiche introuvable.")
    procedure, text, mailto = found
    return render(request, "sheet.html", me=me, procedure=procedure, text=text, mailto=mailto,
                  partner=reference.knowledge.partner(procedure.partner))


@router.get("/conseiller/annuaire", response_class=HTMLResponse, include_in_schema=False)
def directory(request: Request, me: AdvisorDep, reference: ReferenceDep, q: str = "") -> HTMLResponse:
    reply = reference.structures(q[:200]) if q.strip() else None
    return render(request, "directory.html", me=me, q=q, reply=reply)
