"""The widget and the advisor console in a real browser (Debian's Chromium driven by Playwright), against
the running assistant, action server and web app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from assistant.config import PROJECT_ROOT
from tests.e2e.conftest import Assistant
from tests.e2e.test_handoff import PASSWORD, add_advisor

pytestmark = pytest.mark.slow
CHROMIUM = Path("/usr/bin/chromium")
AXE = PROJECT_ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "test-output" / "screenshots"
COULOMMIERS = {"latitude": 48.8155, "longitude": 3.08}
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium absent (/usr/bin/chromium) : lancez les tests avec « make test », qui l'installe.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, assistant: Assistant) -> Iterator[Page]:
    context = browser.new_context(locale="fr-FR", permissions=["geolocation"], geolocation=COULOMMIERS,
                                  base_url=assistant.web_url)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def widget(page: Page):
    return page.locator("guichet-assistant")


def ask(page: Page, text: str) -> None:
    """Send a message and wait for the answer (the typing indicator gone)."""
    page.get_by_label("Votre message").fill(text)
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(widget(page).locator(".typing")).to_have_count(0, timeout=30_000)


def open_widget(page: Page) -> None:
    page.goto("/")
    expect(widget(page).get_by_text("Je suis l'assistant France Services")).to_be_visible(timeout=30_000)


def test_a_life_event_question_shows_procedure_cards_and_survives_a_reload(page: Page):
    open_widget(page)

    ask(page, "j'ai perdu ma carte vitale, comment en avoir une nouvelle ?")

    card = widget(page).locator("article.card").first
    expect(card.locator("h3")).to_contain_text("carte Vitale", timeout=30_000)
    card.get_by_text("Étapes et documents").click()
    expect(card.get_by_text("Documents à avoir sous la main :")).to_be_visible()
    official = card.get_by_role("link", name="Faire la démarche en ligne (site officiel) (nouvelle fenêtre)")
    expect(official).to_have_attribute("target", "_blank")

    page.reload()
    expect(widget(page).get_by_text("j'ai perdu ma carte vitale, comment en avoir une nouvelle ?")).to_be_visible()
    expect(widget(page).locator("article.card").first).to_be_visible()


def test_a_shared_position_shows_structure_cards(page: Page):
    open_widget(page)

    widget(page).get_by_role("button", name="Partager ma position").click()

    cards = widget(page).locator("article.card")
    expect(cards).to_have_count(3, timeout=30_000)
    expect(cards.first).to_contain_text("Coulommiers")
    expect(cards.first.get_by_role("link", name="Itinéraire (OpenStreetMap) (nouvelle fenêtre)")).to_be_visible()
    expect(cards.first.locator('a[href^="tel:"]')).to_have_count(1)


def test_a_question_outside_the_topics_shows_sheet_cards_with_their_date_and_link(page: Page):
    open_widget(page)

    ask(page, "mon voisin fait du bruit tous les soirs que puis je faire")

    card = widget(page).locator("article.card.sheet").first
    expect(card.locator("h3")).to_contain_text("Troubles de voisinage", timeout=30_000)
    expect(card.locator(".label")).to_contain_text("Fiche pratique · fiche mise à jour le 30/03/2020")
    link = card.get_by_role("link", name="Lire la fiche à jour sur service-public.gouv.fr (nouvelle fenêtre)")
    expect(link).to_have_attribute("href", "https://www.service-public.gouv.fr/particuliers/vosdroits/F612")


FOCUSED = "document.activeElement.shadowRoot.activeElement"


def test_the_keyboard_alone_asks_and_shares_a_position_with_a_visible_focus(page: Page):
    open_widget(page)

    page.keyboard.press("Tab")  # the conversation log, focusable to scroll it
    page.keyboard.press("Tab")
    assert page.evaluate(f"{FOCUSED}.getAttribute('aria-label')") == "Votre message"
    page.keyboard.type("je déménage")
    page.keyboard.press("Enter")
    expect(widget(page).locator(".card").first).to_be_visible(timeout=30_000)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate(f"{FOCUSED}.textContent") == "Partager ma position"
    assert page.evaluate(f"getComputedStyle({FOCUSED}).outlineStyle") == "solid"
    page.keyboard.press("Enter")

    expect(widget(page).locator("article.card").filter(has_text="Coulommiers").first).to_be_visible(timeout=30_000)


def test_hostile_text_from_the_user_or_the_knowledge_stays_inert(page: Page):
    open_widget(page)
    ask(page, HOSTILE)
    expect(widget(page).get_by_text(HOSTILE)).to_be_visible(timeout=30_000)

    # Knowledge text is the server's: a procedure whose fields carry HTML, answered by a stubbed server.
    hostile_answer = [
        {"recipient_id": "x", "text": f"**Titre {HOSTILE}** voir https://exemple.fr/{HOSTILE}",
         "buttons": [{"title": HOSTILE, "payload": "/greet"}]},
        {"recipient_id": "x", "custom": {"type": "procedures", "topic": "sante", "procedures": [
            {"id": "x", "title": HOSTILE, "partner": "cpam", "partner_name": HOSTILE, "url": "javascript:alert(1)",
             "summary": HOSTILE, "steps": [HOSTILE, HOSTILE], "documents": [HOSTILE]}]}},
    ]
    page.route("**/webhooks/rest/webhook", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(hostile_answer),
        headers={"Access-Control-Allow-Origin": "*"}))
    ask(page, "et alors ?")

    card = widget(page).locator("article.card").last
    expect(card.locator("h3")).to_have_text(HOSTILE, timeout=30_000)
    assert widget(page).locator("img").count() == 0
    assert card.get_by_role("link").count() == 0  # a javascript: address is not made a link
    expect(card.locator("a")).to_have_text("Faire la démarche en ligne (site officiel)")
    page.wait_for_timeout(500)
    assert page.dialogs == []


def test_a_person_replies_in_the_widget(page: Page, browser: Browser, assistant: Assistant):
    login = add_advisor(assistant, [])
    console = browser.new_context(base_url=assistant.web_url).new_page()
    console.goto("/conseiller/connexion")
    console.get_by_label("Identifiant").fill(login)
    console.get_by_label("Mot de passe").fill(PASSWORD)
    console.get_by_role("button", name="Se connecter").click()
    open_widget(page)

    ask(page, "je veux parler à un conseiller")
    widget(page).get_by_role("button", name="Oui, transmettre ma demande").click()
    status = widget(page).locator(".status").last
    expect(status).to_contain_text("Demande transmise", timeout=30_000)
    ticket = status.text_content().rsplit("N° ", 1)[1].strip()

    console.goto(f"/conseiller/demandes/{ticket}")
    console.get_by_role("button", name="Prendre la demande").click()
    console.get_by_label("Votre réponse").fill("Bonjour, je suis Anne, conseillère France Services.")
    console.get_by_role("button", name="Envoyer").click()

    expect(widget(page).get_by_text("Bonjour, je suis Anne, conseillère France Services.")).to_be_visible(
        timeout=30_000)
    console.context.close()


# 200 % zoom on a 1280 × 900 screen leaves 640 × 450 CSS pixels.
@pytest.mark.parametrize(("name", "size"), [("bureau", (1280, 900)), ("mobile-360", (360, 740)),
                                            ("zoom-200", (640, 450))])
def test_no_serious_accessibility_violation_and_screenshots(page: Page, name, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_widget(page)
    ask(page, "je déménage")
    expect(widget(page).locator(".card").first).to_be_visible(timeout=30_000)

    assert serious_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"widget-{name}.png"), full_page=True)
    send = widget(page).get_by_role("button", name="Envoyer", exact=True)
    box = send.bounding_box()
    assert box["x"] + box["width"] <= size[0]  # nothing needed falls off the screen


def serious_violations(page: Page) -> list[tuple[str, str]]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["help"]) for v in results["violations"] if v["impact"] in ("serious", "critical")]


def test_the_advisor_console_has_no_serious_accessibility_violation(browser: Browser, assistant: Assistant):
    page = browser.new_context(base_url=assistant.web_url).new_page()
    page.goto("/conseiller/connexion")
    assert serious_violations(page) == []
    page.get_by_label("Identifiant").fill(add_advisor(assistant, []))
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    for path in ("/conseiller", "/conseiller/reference?q=carte+grise", "/conseiller/annuaire?q=77120",
                 "/conseiller/statistiques", "/conseiller/reference/fiches/ants-passeport",
                 "/conseiller/reference/service-public/F612"):
        page.goto(path)
        assert serious_violations(page) == [], path
    page.context.close()


def test_the_console_searches_procedures_and_sheets_as_one_types(browser: Browser, assistant: Assistant):
    page = browser.new_context(base_url=assistant.web_url).new_page()
    page.goto("/conseiller/connexion")
    page.get_by_label("Identifiant").fill(add_advisor(assistant, []))
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto("/conseiller/reference")

    page.get_by_label("Mots-clés").press_sequentially("logement social hlm", delay=20)
    sheet = page.get_by_role("link", name="Faire une demande de logement social (HLM)")
    expect(sheet).to_be_visible(timeout=30_000)
    page.get_by_label("Type").select_option("teleservice")
    expect(sheet).to_have_count(0, timeout=30_000)

    page.goto("/conseiller/reference/service-public/F10007")
    expect(page.get_by_text("fiche mise à jour le 07/10/2020", exact=False)).to_be_visible()
    page.context.close()
