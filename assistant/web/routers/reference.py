"""The advisors' quick reference: procedures as one types, a printable sheet, the structures' directory."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from assistant.sheets.parser import FAMILY_LABELS
from assistant.web.deps import AdvisorDep, ApiAdvisorDep, ReferenceDep, render
from assistant.web.schemas import INVALID, UNAVAILABLE, Problem, ReferenceAllOut, ReferenceOut

router = APIRouter()


@router.get("/conseiller/reference", response_class=HTMLResponse, include_in_schema=False)
def reference_page(request: Request, me: AdvisorDep, reference: ReferenceDep, q: str = "", partenaire: str = "",
                   theme: str = "", type: str = "", rubrique: str = "") -> HTMLResponse:  # noqa: A002
    """Results as one types (script), and without a script the same search as a plain form: the curated
    procedures and the service-public.fr sheets together."""
    found = reference.everything(q[:200], partner=partenaire, topic=theme, family=type, theme=rubrique)
    return render(request, "reference.html", me=me, q=q, partner=partenaire, topic=theme, family=type,
                  sheet_theme=rubrique, knowledge=reference.knowledge, families=FAMILY_LABELS,
                  sheet_themes=reference.sheet_themes(), **found)


@router.get("/api/reference/search", summary="Recherche de démarches et de fiches service-public.fr",
            response_model=ReferenceAllOut,
            responses={401: {"model": Problem, "description": "Conseiller non connecté"}, **INVALID, **UNAVAILABLE})
def reference_search_all(_me: ApiAdvisorDep, reference: ReferenceDep, q: str = "", partenaire: str = "",
                         theme: str = "", type: str = "", rubrique: str = "") -> dict:  # noqa: A002
    """`type`: fiche, question, dossier, teleservice, formulaire, modele, simulateur; `rubrique`: a sheets'
    theme (« Famille », « Travail »…)."""
    return reference.everything(q[:200], partner=partenaire, topic=theme, family=type, theme=rubrique)


@router.get("/api/reference/procedures", summary="Recherche de démarches pour les conseillers",
            response_model=ReferenceOut,
            responses={401: {"model": Problem, "description": "Conseiller non connecté"}, **INVALID, **UNAVAILABLE})
def reference_search(_me: ApiAdvisorDep, reference: ReferenceDep, q: str = "", partenaire: str = "",
                     theme: str = "") -> dict:
    return {"results": reference.search(q[:200], partner=partenaire, topic=theme)}


@router.get("/conseiller/reference/fiches/{procedure_id}", response_class=HTMLResponse, include_in_schema=False)
def reference_sheet(request: Request, procedure_id: str, me: AdvisorDep, reference: ReferenceDep) -> HTMLResponse:
    found = reference.procedure_sheet(procedure_id)
    if found is None:
        raise HTTPException(status_code=404, detail="Fiche introuvable.")
    procedure, text, mailto = found
    return render(request, "sheet.html", me=me, procedure=procedure, text=text, mailto=mailto,
                  partner=reference.knowledge.partner(procedure.partner))


@router.get("/conseiller/reference/service-public/{sheet_id}", response_class=HTMLResponse,
            include_in_schema=False)
def service_public_sheet(request: Request, sheet_id: str, me: AdvisorDep, reference: ReferenceDep) -> HTMLResponse:
    """A sheet's key sections, to print or e-mail for the citizen, with its date and live link."""
    found = reference.service_public_sheet(sheet_id.strip().upper()[:20])
    if found is None:
        raise HTTPException(status_code=404, detail="Fiche introuvable.")
    sheet, sections, mailto = found
    return render(request, "service_public_sheet.html", me=me, sheet=sheet, sections=sections, mailto=mailto,
                  family=FAMILY_LABELS[sheet.family])


@router.get("/conseiller/annuaire", response_class=HTMLResponse, include_in_schema=False)
def directory(request: Request, me: AdvisorDep, reference: ReferenceDep, q: str = "") -> HTMLResponse:
    reply = reference.structures(q[:200]) if q.strip() else None
    return render(request, "directory.html", me=me, q=q, reply=reply)
