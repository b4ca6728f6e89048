/*
 * guichet — the France Services assistant as a widget for any web page.
 *
 *   <guichet-assistant rasa-url="https://…:5005" api-url="https://…:8080"></guichet-assistant>
 *   <script src="https://…:8080/widget/guichet-widget.js" defer></script>
 *
 * Everything lives in a shadow root, so the host page's CSS cannot reach it. Bot and user text is only
 * ever inserted as text nodes; the few formats the assistant uses (**bold**, links, line breaks) are
 * built as elements, links only for http(s) addresses. The conversation (sender id, messages, handoff
 * ticket) is kept in localStorage and shown again after a reload.
 */
(() => {
  "use strict";

  const STYLE = `
    :host { all: initial; display: block; font-family: Marianne, Arial, sans-serif; font-size: 1rem;
            color: #161616; line-height: 1.5; }
    * { box-sizing: border-box; }
    .panel { display: flex; flex-direction: column; max-width: 40rem; height: 36rem; border: 1px solid #ddd;
             background: #fff; }
    header { background: #000091; color: #fff; padding: .75rem 1rem; }
    header h2 { margin: 0; font-size: 1.1rem; }
    header p { margin: .25rem 0 0; font-size: .875rem; }
    .log { flex: 1; overflow-y: auto; padding: 1rem; background: #f6f6f6; }
    .message { max-width: 90%; margin: .5rem 0; padding: .5rem .75rem; white-space: pre-wrap;
               overflow-wrap: anywhere; }
    .from-user { margin-left: auto; background: #000091; color: #fff; }
    .from-bot { background: #fff; border: 1px solid #ddd; }
    .from-advisor { background: #e3e3fd; border: 1px solid #000091; }
    .from-user a { color: #fff; }
    .who { display: block; font-size: .75rem; font-weight: bold; }
    a { color: #000091; }
    button { font: inherit; cursor: pointer; border: 1px solid #000091; background: #fff; color: #000091;
             padding: .375rem .75rem; margin: .25rem .25rem 0 0; min-height: 2.25rem; }
    button.primary { background: #000091; color: #fff; }
    button:hover { background: #e3e3fd; } button.primary:hover { background: #1212ff; }
    button:focus-visible, input:focus-visible, textarea:focus-visible, a:focus-visible {
      outline: 3px solid #0a76f6; outline-offset: 2px; }
    .card { background: #fff; border-left: 4px solid #000091; margin: .5rem 0; padding: .5rem .75rem; }
    .card h3 { margin: 0 0 .25rem; font-size: 1rem; }
    summary { cursor: pointer; color: #000091; }
    .card ol, .card ul { margin: .25rem 0; padding-left: 1.25rem; }
    .label { display: inline-block; background: #fee7fc; color: #6e445a; font-size: .75rem; padding: 0 .4rem; }
    .open { color: #18753c; font-weight: bold; } .closed { color: #ce0500; font-weight: bold; }
    .status { font-size: .875rem; border-left: 4px solid #18753c; background: #fff; padding: .5rem .75rem; }
    .error { border-left-color: #ce0500; }
    .typing { font-style: italic; color: #3a3a3a; }
    .rating { font-size: .875rem; margin: .25rem 0 .75rem; }
    .rating textarea { width: 100%; }
    form { display: flex; gap: .5rem; padding: .5rem; border-top: 1px solid #ddd; flex-wrap: wrap; }
    form input { flex: 1; min-width: 10rem; font: inherit; padding: .375rem .5rem; border: 1px solid #3a3a3a; }
    .tools { padding: 0 .5rem .5rem; }
    .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    @media (max-width: 30rem) { .panel { height: 100vh; border: 0; } .message { max-width: 100%; } }
    @media (prefers-reduced-motion: no-preference) { .typing span { animation: blink 1.2s infinite; } }
    @keyframes blink { 50% { opacity: .2; } }
    @media print { form, .tools, .rating, button { display: none; } .panel { height: auto; } .log { overflow: visible; } }
  `;
  const POLL_MS = 3000;
  const SHEET_LABELS = {
    fiche: "Fiche pratique", question: "Question-réponse", dossier: "Dossier", teleservice: "Téléservice",
    formulaire: "Formulaire", modele: "Modèle de document", simulateur: "Simulateur",
  };
  const FORMAT_LABELS = {
    "Bus_équivalent": "Bus France services (itinérant)", "Itinérante": "France services itinérante",
  };

  /** Text with **bold**, http(s) links and line breaks, as DOM nodes: never HTML. */
  function richText(text) {
    const fragment = document.createDocumentFragment();
    const pattern = /\*\*(.+?)\*\*|(https?:\/\/[^\s<>()«»"]+[^\s<>()«»".,;:!?])/g;
    let last = 0;
    for (const match of String(text).matchAll(pattern)) {
      fragment.append(document.createTextNode(text.slice(last, match.index)));
      if (match[1] !== undefined) {
        const strong = document.createElement("strong");
        strong.textContent = match[1];
        fragment.append(strong);
      } else {
        fragment.append(link(match[2], match[2]));
      }
      last = match.index + match[0].length;
    }
    fragment.append(document.createTextNode(String(text).slice(last)));
    return fragment;
  }

  function link(url, label) {
    const anchor = document.createElement("a");
    if (/^https?:\/\//.test(url)) anchor.href = url;
    anchor.textContent = label;
    anchor.target = "_blank";
    anchor.rel = "noopener noreferrer";
    anchor.setAttribute("aria-label", `${label} (nouvelle fenêtre)`);
    return anchor;
  }

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value);
    }
    node.append(...children.filter((child) => child !== null && child !== undefined));
    return node;
  }

  function randomId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  class GuichetAssistant extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const script = document.querySelector('script[src*="guichet-widget.js"]');
      const scriptOrigin = script ? new URL(script.src, location.href).origin : location.origin;
      this.rasaUrl = (this.getAttribute("rasa-url") || `${location.protocol}//${location.hostname}:5005`)
        .replace(/\/$/, "");
      this.apiUrl = (this.getAttribute("api-url") || scriptOrigin).replace(/\/$/, "");
      this.storageKey = `guichet:${this.rasaUrl}`;
      this.state = this.load();
      this.render();
      for (const entry of this.state.history) this.show(entry, false);
      if (!this.state.history.length) this.send("bonjour", { silent: true });
      if (this.state.handoff && this.state.handoff.status !== "closed") this.poll();
    }

    load() {
      try {
        const saved = JSON.parse(localStorage.getItem(this.storageKey));
        if (saved && saved.sender) return saved;
      } catch (error) { /* a broken record starts a new conversation */ }
      return { sender: `web-${randomId()}`, history: [], handoff: null, procedures: {} };
    }

    save() {
      try {
        localStorage.setItem(this.storageKey, JSON.stringify(this.state));
      } catch (error) { /* private browsing: the conversation simply won't survive a reload */ }
    }

    render() {
      const root = this.attachShadow({ mode: "open" });
      root.append(element("style", { text: STYLE }));
      this.log = element("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
                                  "aria-label": "Conversation avec l'assistant", tabindex: "0" });
      this.input = element("input", { type: "text", id: "message", autocomplete: "off", maxlength: "2000",
                                      "aria-label": "Votre message", placeholder: "Écrivez votre question…" });
      const form = element("form", {
        onsubmit: (event) => {
          event.preventDefault();
          const text = this.input.value.trim();
          if (!text) return;
          this.input.value = "";
          this.send(text);
        },
      }, element("label", { class: "sr-only", for: "message", text: "Votre message" }), this.input,
      element("button", { type: "submit", class: "primary", text: "Envoyer" }));
      const tools = element("div", { class: "tools" },
        element("button", { type: "button", text: "Partager ma position", onclick: () => this.sharePosition() }),
        element("button", { type: "button", text: "Préparer mon rendez-vous", onclick: () => this.checklist() }),
        element("button", { type: "button", text: "Nouvelle conversation", onclick: () => this.restart() }));
      root.append(element("section", { class: "panel", "aria-label": "Assistant France Services" },
        element("header", {}, element("h2", { text: "Assistant France Services" }),
          element("p", { text: "Vos démarches administratives, expliquées simplement." })),
        this.log, form, tools));
    }

    /** Send a message (or a button payload) to the REST channel and show the answer. */
    async send(text, { title = null, silent = false, metadata = null } = {}) {
      if (!silent) this.remember({ from: "user", text: title || text });
      const typing = element("p", { class: "typing", text: "L'assistant écrit" }, element("span", { text: "…" }));
      this.log.append(typing);
      this.scroll();
      const retry = () => this.send(text, { title, silent: true, metadata });
      try {
        const response = await fetch(`${this.rasaUrl}/webhooks/rest/webhook`, {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ sender: this.state.sender, message: text, ...(metadata ? { metadata } : {}) }),
        });
        if (response.status >= 400 && response.status < 500) {
          // A refusal the server explains in French (too many messages, too long…): shown as it is.
          const refusal = await response.json().catch(() => null);
          if (refusal && typeof refusal.error === "string") {
            typing.remove();
            this.unavailable(response.status === 429 ? retry : null, refusal.error);
            return;
          }
        }
        if (!response.ok) throw new Error(String(response.status));
        const messages = await response.json();
        typing.remove();
        for (const message of messages) this.receive(message);
      } catch (error) {
        typing.remove();
        this.unavailable(retry);
      }
    }

    receive(message) {
      if (message.custom) {
        if (message.custom.type === "handoff") this.handoff(message.custom);
        if (message.custom.type === "procedures") {
          for (const procedure of message.custom.procedures || []) this.state.procedures[procedure.id] = procedure;
        }
        // The custom payload belongs to the text message just shown: drawn under it.
        const last = this.state.history[this.state.history.length - 1];
        if (last && last.from === "bot" && !last.custom) {
          last.custom = message.custom;
          this.save();
          this.log.lastElementChild.append(this.customView(message.custom));
          this.rating(message.custom);
          this.scroll();
          return;
        }
      }
      this.remember({ from: "bot", text: message.text || "", buttons: message.buttons || [],
                      custom: message.custom || null });
    }

    remember(entry) {
      this.state.history.push(entry);
      this.save();
      this.show(entry, true);
    }

    show(entry, fresh) {
      const who = { user: "Vous", bot: "Assistant", advisor: "Conseiller" }[entry.from] || "Assistant";
      const bubble = element("div", { class: `message from-${entry.from}` },
        element("span", { class: "who", text: who }), richText(entry.text || ""));
      if (entry.buttons && entry.buttons.length && fresh) {
        const choices = element("div", { role: "group", "aria-label": "Réponses proposées" });
        for (const button of entry.buttons) {
          choices.append(element("button", { type: "button", text: button.title, onclick: () => {
            choices.remove();
            this.send(button.payload, { title: button.title });
          } }));
        }
        bubble.append(choices);
      }
      if (entry.custom) bubble.append(this.customView(entry.custom));
      this.log.append(bubble);
      if (fresh && entry.custom) this.rating(entry.custom);
      this.scroll();
    }

    customView(custom) {
      const view = element("div", {});
      if (custom.type === "procedures") {
        const procedures = custom.procedures || [];
        for (const procedure of procedures) view.append(this.procedureCard(procedure, procedures.length === 1));
        if (custom.sheets && custom.sheets.length) {
          view.append(element("p", { class: "label", text: "Fiches service-public.fr liées :" }));
          for (const sheet of custom.sheets) view.append(this.sheetCard(sheet));
        }
      } else if (custom.type === "sheets") {
        for (const sheet of custom.sheets || []) view.append(this.sheetCard(sheet));
      } else if (custom.type === "structures") {
        for (const structure of custom.structures || []) view.append(this.structureCard(structure));
      } else if (custom.type === "handoff" && custom.ticket) {
        const labels = { waiting: "Demande transmise : un conseiller va vous répondre ici.",
                         live: "Un conseiller vous répond.", callback: "Demande de rappel enregistrée.",
                         closed: "Échange avec le conseiller terminé." };
        view.append(element("p", { class: "status", text: `${labels[custom.status] || ""} N° ${custom.ticket}` }));
      }
      return view;
    }

    /** A procedure: title, partner, and its steps and documents (folded when several are listed). */
    procedureCard(procedure, expanded) {
      const card = element("article", { class: "card" }, element("h3", { text: procedure.title }));
      if (procedure.partner_name || procedure.partner) {
        card.append(element("p", { class: "label", text: procedure.partner_name || procedure.partner }));
      }
      const details = element("details", expanded ? { open: "" } : {},
        element("summary", { text: "Étapes et documents" }));
      if (procedure.steps && procedure.steps.length) {
        details.append(element("p", { text: "Étapes :" }),
          element("ol", {}, ...procedure.steps.map((step) => element("li", { text: step }))));
      }
      if (procedure.documents && procedure.documents.length) {
        details.append(element("p", { text: "Documents à avoir sous la main :" }),
          element("ul", {}, ...procedure.documents.map((doc) => element("li", { text: doc }))));
      }
      card.append(details, element("p", {}, link(procedure.url, "Faire la démarche en ligne (site officiel)")));
      return card;
    }

    /** A service-public.fr sheet: its type, its own date (the copy may be old) and the link to today's text. */
    sheetCard(sheet) {
      const card = element("article", { class: "card sheet" }, element("h3", { text: sheet.title }));
      const [year, month, day] = String(sheet.updated || "").split("-");
      const updated = day ? `fiche mise à jour le ${day}/${month}/${year}` : "";
      card.append(element("p", { class: "label", text: [SHEET_LABELS[sheet.type] || "Fiche", updated]
        .filter(Boolean).join(" · ") }));
      if (sheet.description) card.append(element("p", { text: sheet.description }));
      card.append(element("p", {}, link(sheet.url, "Lire la fiche à jour sur service-public.gouv.fr")));
      return card;
    }

    structureCard(structure) {
      const card = element("article", { class: "card" }, element("h3", { text: structure.name }));
      if (FORMAT_LABELS[structure.format]) card.append(element("p", { class: "label", text: FORMAT_LABELS[structure.format] }));
      const distance = structure.distance_km !== null && structure.distance_km !== undefined
        ? ` — à ${String(structure.distance_km.toFixed(1)).replace(".", ",")} km` : "";
      card.append(element("p", { text: `${structure.address}, ${structure.postcode} ${structure.commune}${distance}` }));
      if (structure.hours_today) {
        card.append(element("p", {}, element("span", { class: structure.open_now ? "open" : "closed",
          text: structure.open_now ? "Ouvert en ce moment" : "Fermé en ce moment" }),
          document.createTextNode(` · aujourd'hui : ${structure.hours_today}`)));
      } else {
        card.append(element("p", { class: "closed", text: "Fermé aujourd'hui" }));
      }
      if (structure.appointment !== null && structure.appointment !== undefined) {
        card.append(element("p", { text: structure.appointment ? "Sur rendez-vous" : "Sans rendez-vous" }));
      }
      const contact = element("p", {});
      if (structure.phone) {
        const phone = element("a", { href: `tel:${structure.phone.replace(/[^+\d]/g, "")}`, text: structure.phone });
        contact.append(document.createTextNode("Tél. "), phone, document.createTextNode(" "));
      }
      if (structure.email) contact.append(element("a", { href: `mailto:${structure.email}`, text: structure.email }));
      card.append(contact);
      const route = `https://www.openstreetmap.org/?mlat=${structure.lat}&mlon=${structure.lon}#map=17/${structure.lat}/${structure.lon}`;
      card.append(element("p", {}, link(route, "Itinéraire (OpenStreetMap)")));
      return card;
    }

    rating(custom) {
      if (!["procedures", "structures", "sheets"].includes(custom.type)) return;
      const box = element("div", { class: "rating", role: "group", "aria-label": "Évaluer cette réponse" },
        element("span", { text: "Cette réponse vous a-t-elle été utile ? " }));
      const rate = async (useful) => {
        box.replaceChildren(element("label", { for: "reason", text: "Pourquoi ? (facultatif)" }));
        const reason = element("textarea", { id: "reason", rows: "2", maxlength: "500" });
        box.append(reason, element("button", { type: "button", text: "Envoyer mon avis", onclick: async () => {
          await this.postRating(custom, useful, reason.value);
          box.replaceChildren(element("span", { text: "Merci pour votre avis." }));
        } }));
        reason.focus();
      };
      box.append(element("button", { type: "button", text: "Oui", onclick: () => rate(true) }),
                 element("button", { type: "button", text: "Non", onclick: () => rate(false) }));
      this.log.append(box);
    }

    async postRating(custom, useful, reason) {
      try {
        await fetch(`${this.apiUrl}/api/ratings`, {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ sender: this.state.sender, topic: custom.topic || null, kind: custom.type,
                                 useful, reason: reason.trim() || null }),
        });
      } catch (error) { /* an unsent rating must not disturb the conversation */ }
    }

    handoff(custom) {
      if (custom.ticket && custom.secret) {
        this.state.handoff = { ticket: custom.ticket, secret: custom.secret, status: custom.status, after: 0 };
        this.save();
        if (custom.status === "waiting" || custom.status === "live") this.poll();
      }
    }

    /** The advisor's messages, from the handoff API, until the ticket is closed. */
    async poll() {
      if (this.polling) return;
      this.polling = true;
      while (this.state.handoff && ["waiting", "live"].includes(this.state.handoff.status)) {
        const handoff = this.state.handoff;
        try {
          const response = await fetch(`${this.apiUrl}/api/handoff/${handoff.ticket}?after=${handoff.after}`,
                                        { headers: { "X-Handoff-Secret": handoff.secret } });
          if (response.ok) {
            const data = await response.json();
            for (const message of data.messages) {
              handoff.after = Math.max(handoff.after, message.id);
              this.remember({ from: "advisor", text: message.text });
            }
            handoff.status = data.status;
            this.save();
          }
        } catch (error) { /* the next poll retries */ }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      this.polling = false;
    }

    sharePosition() {
      if (!navigator.geolocation) {
        this.remember({ from: "bot", text: "Votre navigateur ne permet pas de partager votre position : indiquez votre commune." });
        return;
      }
      navigator.geolocation.getCurrentPosition(
        (position) => this.send("/inform_location", { title: "Ma position", metadata: {
          position: { lat: position.coords.latitude, lon: position.coords.longitude } } }),
        () => this.remember({ from: "bot", text: "Position non partagée. Indiquez votre commune ou votre code postal." }),
        { timeout: 10000 });
    }

    /** The procedures discussed, with their documents and links, to print or download for the counter. */
    checklist() {
      const procedures = Object.values(this.state.procedures);
      if (!procedures.length) {
        this.remember({ from: "bot", text: "Aucune démarche pour l'instant : posez d'abord votre question." });
        return;
      }
      const lines = ["Préparer mon rendez-vous France Services", ""];
      for (const procedure of procedures) {
        lines.push(`${procedure.title} (${procedure.partner_name || procedure.partner})`);
        for (const doc of procedure.documents || []) lines.push(`  - ${doc}`);
        lines.push(`  Site officiel : ${procedure.url}`, "");
      }
      const text = lines.join("\n");
      const download = element("a", { href: URL.createObjectURL(new Blob([text], { type: "text/plain" })),
                                       download: "rendez-vous-france-services.txt", text: "Télécharger la liste" });
      const sheet = element("div", { class: "card" }, element("h3", { text: "Préparer mon rendez-vous" }),
        element("p", { text }), download, document.createTextNode(" "),
        element("button", { type: "button", text: "Imprimer", onclick: () => window.print() }));
      this.log.append(sheet);
      this.scroll();
      download.focus();
    }

    /** A message that got no answer: the server is down (or explained why), with a retry when it may help. */
    unavailable(retry, text = "Service momentanément indisponible.") {
      const box = element("div", { class: "status error", role: "alert" }, element("span", { text: `${text} ` }));
      if (retry) {
        box.append(element("button", { type: "button", text: "Réessayer", onclick: () => { box.remove(); retry(); } }));
      }
      this.log.append(box);
      this.scroll();
    }

    restart() {
      localStorage.removeItem(this.storageKey);
      this.state = this.load();
      this.log.replaceChildren();
      this.send("bonjour", { silent: true });
      this.input.focus();
    }

    scroll() {
      this.log.scrollTop = this.log.scrollHeight;
    }
  }

  if (!customElements.get("guichet-assistant")) customElements.define("guichet-assistant", GuichetAssistant);
})();
