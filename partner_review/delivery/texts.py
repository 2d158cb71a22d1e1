"""The words of the emails in each stakeholder language (en, fr).

Kept here rather than in the report catalogs: an email is a handful of
sentences, and keeping them next to the code that fills them in makes a
missing translation a test failure instead of an English word in a French
mail. Numbers and dates are formatted with Babel by the callers.
"""

from __future__ import annotations

from typing import Final

_TEXTS: Final[dict[str, dict[str, str]]] = {
    "run_nightly": {"en": "Nightly", "fr": "Quotidien"},
    "run_quarterly": {"en": "QBR", "fr": "QBR"},
    "partners_n": {"en": "{n} partners", "fr": "{n} partenaires"},
    "updated": {"en": "(updated)", "fr": "(mise à jour)"},
    "colon": {"en": ": ", "fr": " : "},
    "status_breach_1": {"en": "{n} breach", "fr": "{n} manquement"},
    "status_breach_n": {"en": "{n} breaches", "fr": "{n} manquements"},
    "status_critical_1": {"en": "{n} critical deviation", "fr": "{n} écart critique"},
    "status_critical_n": {"en": "{n} critical deviations", "fr": "{n} écarts critiques"},
    "status_warning_1": {"en": "{n} warning", "fr": "{n} alerte"},
    "status_warning_n": {"en": "{n} warnings", "fr": "{n} alertes"},
    "status_clear": {"en": "no deviations", "fr": "aucun écart"},
    "greeting": {"en": "Hello {name},", "fr": "Bonjour {name},"},
    "intro_nightly": {
        "en": "Here is the nightly partner review of {date} for {scope}.",
        "fr": "Voici la revue quotidienne des partenaires du {date} pour {scope}.",
    },
    "intro_quarterly": {
        "en": "Here is the quarterly business review pack {quarter} for {scope}.",
        "fr": "Voici le dossier de revue trimestrielle {quarter} pour {scope}.",
    },
    "heading_status": {"en": "Status", "fr": "Situation"},
    "heading_top": {"en": "Top deviations", "fr": "Principaux écarts"},
    "heading_appeared": {
        "en": "New since your last email",
        "fr": "Nouveau depuis votre dernier envoi",
    },
    "heading_cleared": {
        "en": "Cleared since your last email",
        "fr": "Résolu depuis votre dernier envoi",
    },
    "first_email": {
        "en": "This is your first nightly email: every current deviation is new.",
        "fr": "Ceci est votre premier envoi quotidien : tous les écarts actuels sont nouveaux.",
    },
    "no_change": {
        "en": "No deviation appeared or cleared since your last email.",
        "fr": "Aucun écart apparu ni résolu depuis votre dernier envoi.",
    },
    "heading_attached": {"en": "Attached", "fr": "Pièces jointes"},
    "none_deviation": {"en": "No deviations.", "fr": "Aucun écart."},
    "more_deviations": {
        "en": "… and {n} more in the attached report.",
        "fr": "… et {n} autres dans le rapport joint.",
    },
    "missing_attachment": {
        "en": "{file} could not be attached ({reason}); it will follow once it renders.",
        "fr": "{file} n'a pas pu être joint ({reason}) ; il suivra dès qu'il sera produit.",
    },
    "nothing_attached": {"en": "No report is attached.", "fr": "Aucun rapport n'est joint."},
    "footer": {
        "en": "Sent automatically by Partner Review for {organisation}.",
        "fr": "Envoyé automatiquement par Partner Review pour {organisation}.",
    },
    "actual_vs": {"en": "{actual} (expected {expected})", "fr": "{actual} (attendu {expected})"},
    "no_rows": {"en": "no service level judged", "fr": "aucun niveau de service évalué"},
    "sc_met_1": {"en": "{n} met", "fr": "{n} atteint"},
    "sc_met_n": {"en": "{n} met", "fr": "{n} atteints"},
    "sc_at_risk": {"en": "{n} at risk", "fr": "{n} à risque"},
    "sc_breach": {"en": "{n} breached", "fr": "{n} en manquement"},
    "sc_no_data": {"en": "{n} without data", "fr": "{n} sans données"},
    "sc_insufficient_volume": {"en": "{n} low volume", "fr": "{n} volume insuffisant"},
    "sev_critical": {"en": "critical", "fr": "critique"},
    "sev_warning": {"en": "warning", "fr": "alerte"},
    "sev_info": {"en": "info", "fr": "info"},
    "kind_sla_breach": {"en": "Service level breached", "fr": "Niveau de service en manquement"},
    "kind_chronic_breach": {"en": "Chronic breach", "fr": "Manquement chronique"},
    "kind_sla_at_risk": {"en": "Service level at risk", "fr": "Niveau de service à risque"},
    "kind_objective_missed": {"en": "Objective missed", "fr": "Objectif manqué"},
    "kind_objective_off_track": {"en": "Objective off track", "fr": "Objectif hors trajectoire"},
    "kind_objective_at_risk": {"en": "Objective at risk", "fr": "Objectif à risque"},
    "kind_spc_outside": {"en": "Outside control limits", "fr": "Hors limites de contrôle"},
    "kind_spc_shift": {"en": "Sustained shift", "fr": "Décalage durable"},
    "kind_spc_trend": {"en": "Worsening trend", "fr": "Tendance défavorable"},
    "kind_missing_data": {"en": "Missing data", "fr": "Données manquantes"},
    "kind_stale_data": {"en": "Stale data", "fr": "Données anciennes"},
    "kind_insufficient_volume": {"en": "Insufficient volume", "fr": "Volume insuffisant"},
    "kind_action_overdue": {"en": "Action overdue", "fr": "Action en retard"},
    "kind_rejected_rows": {"en": "Rejected rows", "fr": "Lignes rejetées"},
    "kind_contract_review_due": {"en": "Contract review due", "fr": "Revue de contrat à prévoir"},
    "all_partners": {"en": "all partners", "fr": "tous les partenaires"},
    "test_subject": {"en": "test message", "fr": "message de test"},
    "test_body": {
        "en": "This test message shows that Partner Review can reach you.",
        "fr": "Ce message de test montre que Partner Review peut vous joindre.",
    },
}

LANGUAGES: Final = ("en", "fr")


def text(key: str, language: str, **values: object) -> str:
    """The sentence ``key`` in ``language`` (English when the language is unknown)."""
    entry = _TEXTS[key]
    template = entry.get(language) or entry["en"]
    return template.format(**values) if values else template


def counted(key: str, n: int, language: str, shown: str) -> str:
    """``{n} breach`` / ``{n} breaches``: French takes the singular for 0 and 1."""
    singular = n <= 1 if language == "fr" else n == 1
    return text(f"{key}_{'1' if singular else 'n'}", language, n=shown)


def kind_label(kind: str, language: str) -> str:
    key = f"kind_{kind}"
    return text(key, language) if key in _TEXTS else kind


def keys() -> list[str]:
    return list(_TEXTS)


def translation(key: str, language: str) -> str | None:
    return _TEXTS[key].get(language)
