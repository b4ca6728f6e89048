"""Database tables of the knowledge base. Lists (steps, documents, keywords) are JSON columns."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Integer, String, Text

from assistant.db import Base


class PartnerRow(Base):
    __tablename__ = "kb_partner"

    slug = Column(String(40), primary_key=True)
    name = Column(String(200), nullable=False)
    short_name = Column(String(100), nullable=False)
    website = Column(String(300), nullable=False)
    aliases = Column(JSON, nullable=False)


class TopicRow(Base):
    __tablename__ = "kb_topic"

    slug = Column(String(40), primary_key=True)
    title = Column(String(200), nullable=False)
    kind = Column(String(20), nullable=False)
    description = Column(Text, nullable=False)
    advice = Column(Text)
    advice_url = Column(String(300))
    position = Column(Integer, nullable=False)


class ProcedureRow(Base):
    __tablename__ = "kb_procedure"

    id = Column(String(100), primary_key=True)
    partner_slug = Column(String(40), ForeignKey("kb_partner.slug"), nullable=False, index=True)
    title = Column(String(300), nullable=False)
    audience = Column(Text, nullable=False)
    summary = Column(Text, nullable=False)
    steps = Column(JSON, nullable=False)
    documents = Column(JSON, nullable=False)
    online_service = Column(String(500), nullable=False)
    service_public_reference = Column(String(20))  # empty when no Service Public sheet covers the procedure
    service_public_url = Column(String(500))
    cost = Column(Text)
    delay = Column(Text)
    needs_advisor = Column(Boolean, nullable=False)
    keywords = Column(JSON, nullable=False)
    sources = Column(JSON, nullable=False, default=list)  # [{"url", "title"}]
    changes = Column(JSON, nullable=False, default=list)  # [{"date": "2027-01-01", "text"}]
    reviewed = Column(Date, nullable=False)
    position = Column(Integer, nullable=False)


class ProcedureTopicRow(Base):
    __tablename__ = "kb_procedure_topic"

    procedure_id = Column(String(100), ForeignKey("kb_procedure.id"), primary_key=True)
    topic_slug = Column(String(40), ForeignKey("kb_topic.slug"), primary_key=True, index=True)


class ChecklistItemRow(Base):
    """One step of a life event's checklist: which procedure, in which order, and when to do it."""

    __tablename__ = "kb_checklist_item"

    topic_slug = Column(String(40), ForeignKey("kb_topic.slug"), primary_key=True)
    position = Column(Integer, primary_key=True)
    procedure_id = Column(String(100), ForeignKey("kb_procedure.id"), nullable=False)
    when = Column(Text, nullable=False)
