"""Simulated citizens for bench/load.py: multi-turn conversations through the public REST channel.

Each simulated user runs whole conversations, one after another, with a new sender id each time: a greeting,
a procedure question, a follow-up, the nearest France Services, a handoff offer declined, goodbye. Between two
messages the user reads and types for 3 to 8 seconds. Sender ids start with GUICHET_LOAD_RUN, so that
bench/load.py can count afterwards, in the tracker store, the turns of this run.
"""

from __future__ import annotations

import os
import random
import uuid

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

from assistant.answers import APOLOGY

RUN = os.environ.get("GUICHET_LOAD_RUN", "load")
QUESTIONS = ["j'ai perdu ma carte vitale", "je déménage, qui dois-je prévenir ?", "je dois refaire ma carte grise",
             "comment demander ma retraite ?", "je viens de perdre mon emploi", "je veux déclarer une naissance",
             "comment faire ma déclaration de revenus ?", "je cherche une aide pour payer mon loyer"]
FOLLOW_UPS = ["quels documents faut-il ?", "c'est quel organisme ?", "comment je fais ?"]
PLACES = ["France Services près de 77120", "france services à Lure", "une france services vers Coulommiers",
          "France Services la plus proche de 15000", "france services 88100"]


class Citizen(FastHttpUser):
    """One citizen at a keyboard: whole conversations, one after another, at a human pace."""

    wait_time = between(3, 8)

    @task
    def conversation(self) -> None:
        sender = f"{RUN}-{uuid.uuid4().hex}"
        for name, message in [("bonjour", "bonjour"), ("démarche", random.choice(QUESTIONS)),
                              ("précision", random.choice(FOLLOW_UPS)), ("structure", random.choice(PLACES)),
                              ("conseiller", "je voudrais parler à un conseiller"), ("refus", "non merci"),
                              ("au revoir", "au revoir")]:
            self.say(sender, name, message)
            self.wait()

    def say(self, sender: str, name: str, message: str) -> None:
        with self.client.post("/webhooks/rest/webhook", json={"sender": sender, "message": message}, name=name,
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif not response.json():
                response.failure("réponse vide")
            elif any(reply.get("text") == APOLOGY for reply in response.json()):
                response.failure("excuses : le tour a échoué dans Rasa")
