"""The assistant's web app: the advisor console and the handoff API (FastAPI)."""
