"""Data an answer needs that is not in the database yet, explained the same way to every caller.

A leaf (only the contract is imported), so that the composition root and the use cases built on it can all
raise and catch it without importing one another.
"""

from __future__ import annotations

from assistant import contract

KNOWLEDGE_MISSING = ("la base de connaissances des démarches n'est pas chargée", "lancez « guichet kb load »")
STRUCTURES_MISSING = ("la liste des France Services n'est pas importée", "lancez « guichet structures import »")


class DataUnavailable(Exception):
    """Data an answer needs is not in the database, explained in French, the same way for every caller:
    `reason` says what is missing (citizens are told that much), `remedy` what the operator must do."""

    def __init__(self, reason: str, remedy: str):
        super().__init__(f"{reason} : {remedy}")
        self.reason, self.remedy = reason, remedy

    @property
    def sentence(self) -> str:
        """Reason and remedy as one sentence, for the console, the CLI and the logs."""
        return f"{self.reason[0].upper()}{self.reason[1:]} : {self.remedy}."

    def reply(self) -> contract.Reply:
        """What a citizen is told: what is missing, not how to fix it."""
        return contract.Reply(text=f"Je ne peux pas vous répondre pour le moment : {self.reason}. Réessayez dans "
                                   "quelques minutes, ou rendez-vous dans une France Services.",
                              payload=contract.simple_payload("unavailable"))
