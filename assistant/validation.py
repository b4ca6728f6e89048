"""French, readable descriptions of pydantic validation errors, for data files and imported rows."""

from __future__ import annotations

from pydantic import ValidationError

FRENCH_MESSAGES = {
    "value_error.missing": "champ obligatoire manquant",
    "value_error.extra": "champ inconnu (vérifiez l'orthographe)",
    "type_error.none.not_allowed": "ne peut pas être vide",
    "type_error.str": "doit être un texte",
    "type_error.bool": "doit valoir true ou false",
    "type_error.float": "doit être un nombre",
    "type_error.integer": "doit être un nombre entier",
    "type_error.list": "doit être une liste",
    "type_error.dict": "doit être un dictionnaire (clé: valeur)",
    "value_error.date": "date invalide (format attendu : AAAA-MM-JJ)",
    "type_error.date": "date invalide (format attendu : AAAA-MM-JJ)",
    "value_error.str.regex": "format invalide",
    "value_error.const": "valeur non permise",
    "value_error.url.scheme": "adresse web invalide (https://… attendu)",
    "value_error.url": "adresse web invalide",
}


LIMIT_MESSAGES = {
    "value_error.any_str.min_length": "texte trop court (au moins {limit_value} caractères)",
    "value_error.list.min_items": "au moins {limit_value} élément(s) attendu(s)",
    "value_error.list.max_items": "au plus {limit_value} éléments attendus",
    "value_error.number.not_ge": "doit être supérieur ou égal à {limit_value}",
    "value_error.number.not_le": "doit être inférieur ou égal à {limit_value}",
    "value_error.number.not_gt": "doit être supérieur à {limit_value}",
}


def _french_message(item: dict) -> str:
    kind, context = item["type"], item.get("ctx") or {}
    if kind in LIMIT_MESSAGES:
        return LIMIT_MESSAGES[kind].format(**context)
    if kind == "value_error.const" and "permitted" in context:
        return "valeur non permise, attendu : " + " ou ".join(map(str, context["permitted"]))
    for prefix, message in FRENCH_MESSAGES.items():
        if kind == prefix or kind.startswith(prefix + "."):
            return message
    return item["msg"]  # our own validators already speak French


def describe_validation_error(error: ValidationError, document: object) -> list[str]:
    """Turn pydantic's errors into French lines with readable paths: `procedures[caf-rsa].steps : …`."""
    return [f"{_readable_location(item['loc'], document)} : {_french_message(item)}" for item in error.errors()]


def _readable_location(location: tuple, document: object) -> str:
    parts: list[str] = []
    node = document
    for key in location:
        if key == "__root__":
            continue
        if isinstance(key, int):
            record = node[key] if isinstance(node, list) and key < len(node) else None
            label = record.get("id") or record.get("slug") if isinstance(record, dict) else None
            parts[-1] = f"{parts[-1]}[{label or f'n°{key + 1}'}]" if parts else f"[{key + 1}]"
            node = record
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) or "(racine)"
