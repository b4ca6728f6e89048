"""The table of France Services structures, one row per `id_fs` of the official list."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, Float, Integer, String, Text

from assistant.db import Base


class StructureRow(Base):
    __tablename__ = "fs_structure"

    id = Column(Integer, primary_key=True, autoincrement=False)
    department = Column(String(3), nullable=False, index=True)
    name = Column(String(300), nullable=False)
    address = Column(String(300), nullable=False)
    address_complement = Column(String(300))
    insee_commune = Column(String(5), nullable=False)
    postcode = Column(String(5), nullable=False)
    commune = Column(String(200), nullable=False)
    latitude = Column(Float, nullable=False)
    longitude = Column(Float, nullable=False)
    email = Column(String(200))
    phone = Column(String(20))
    hours = Column(JSON, nullable=False)  # {"lundi": [["09:00", "12:00"], …], …}; a missing day is closed
    appointment_required = Column(Boolean)
    comment = Column(Text)
    kind = Column(String(40), nullable=False)
    format = Column(String(40), nullable=False)
    group = Column(String(200))
    labelled_on = Column(Date)
