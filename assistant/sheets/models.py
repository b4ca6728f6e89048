"""The table of service-public.fr sheets, one row per sheet id (F…, N…, R…). Lists are JSON columns."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, String, Text

from assistant.db import Base


class SheetRow(Base):
    __tablename__ = "sp_sheet"

    id = Column(String(20), primary_key=True)
    kind = Column(String(80), nullable=False, index=True)  # the official type (« Fiche d'information »…)
    title = Column(Text, nullable=False)
    description = Column(Text, nullable=False)
    subject = Column(Text, nullable=False)
    modified = Column(Date, nullable=False)  # dc:date, shown as « fiche mise à jour le … »
    audiences = Column(JSON, nullable=False)
    breadcrumb = Column(JSON, nullable=False)  # [["N19810", "Papiers - Citoyenneté"], …], home page excluded
    themes = Column(JSON, nullable=False)
    dossier_part = Column(Text, nullable=False)
    sections = Column(JSON, nullable=False)  # [{"title", "kind", "text", "about_documents"}, …] in reading order
    links = Column(JSON, nullable=False)  # ids of the other sheets it points to
    services = Column(JSON, nullable=False)  # [{"id", "title", "url", "kind"}, …]
    questions = Column(JSON, nullable=False)  # [["F12567", "Quels recours si mon dossier est rejeté ?"], …]
    anchors = Column(JSON, nullable=False)  # [["F18605", "l'autorité parentale"], …]: how it names other sheets
    service_url = Column(Text)
    cerfa = Column(String(40))
    content_hash = Column(String(64), nullable=False)  # sha256 of the parser version and the XML file
