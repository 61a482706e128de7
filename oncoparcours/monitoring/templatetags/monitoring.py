from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from ..labels import (
    OBSERVATION_LABELS,
    condition_text,
    deadline_text,
    flag_label,
    role_label,
    rule_label,
    rule_sentence,
    term_label,
)
from ..observation_values import answer_text

register = template.Library()


@register.filter
def criterion(value: str) -> str:
    """A grading criterion in French words and numbers ("38,0 à 39,0 °C")."""
    from ..labels import criterion_text

    return criterion_text(value)


@register.filter
def term(value: str) -> str:
    return term_label(value)


@register.filter
def notified_role(value: str) -> str:
    return role_label(value)


@register.filter
def notified_roles(value: str) -> str:
    """The note of a notification or escalation event: the comma-separated roles reached, then
    (after " — ") what was not reached and why extra roles were notified."""
    roles, _sep, rest = value.partition(" — ")
    labels = ", ".join(role_label(role.strip()) for role in roles.split(",") if role.strip())
    return f"{labels} — {rest}" if rest else labels


@register.filter
def flag(value: str) -> str:
    return flag_label(value)


@register.filter
def observation(value: str) -> str:
    return str(OBSERVATION_LABELS.get(value, value.replace("_", " ")))


@register.filter
def answer(value: Any, key: str = "") -> str:
    """An observation value as people read it; ``{{ value|answer:key }}`` also reads coded
    answers ("relieved_by_rest") as their label."""
    return answer_text(value, key)


@register.filter
def rule_title(value: str) -> str:
    """A triage rule by its label ("grade-1" → "Symptôme de grade 1")."""
    return rule_label(value)


@register.filter
def rule_set_title(label: str) -> str:
    """A shipped rule set by its title in the interface language ("default@2" → "Politique de tri
    par défaut (version 2)"); the label itself when the file is not shipped."""
    from ..triage import rule_set_file

    try:
        title = rule_set_file(label).get("title") or {}
    except KeyError:
        return label
    return str(title.get(get_language() or "fr", title.get("fr", label)))


RULE_SET_LABEL = re.compile(r"\b[a-z0-9][a-z0-9-]*@\d+\b")


@register.filter
def cite(text: object) -> str:
    """A source line as the care team reads it: a rule set's label inside it ("default@2")
    becomes its title in quotes ("« Politique de tri par défaut (version 2) »")."""

    def title(match: re.Match[str]) -> str:
        found = rule_set_title(match.group(0))
        return match.group(0) if found == match.group(0) else f"« {found} »"

    cited = str(text or "")
    # "(also_notify)" is the rule set file's key: who else is told shows in the Notify column.
    cited = cited.replace(" (also_notify)", "")
    if cited in SOURCE_LINES:
        cited = gettext(cited)
    for english, words in SOURCE_PHRASES.items():
        cited = cited.replace(english, str(words))
    return RULE_SET_LABEL.sub(title, cited)


# English joining words of the rule sets' source lines (the files are checksummed: the words are
# translated here, the citations themselves stay as published).
SOURCE_PHRASES = {
    "on top of the default policy": _("in addition to the default policy"),
}


# The rules' source lines as published in the (checksummed) rule set files, in the page's
# language; a line not listed here is shown as written.
SOURCE_LINES = frozenset(
    {
        gettext_noop(
            "ASCO 2021, ESMO 2022: headache on immune checkpoint inhibitors may reveal hypophysitis"
        ),
        gettext_noop(
            "ASCO 2021, ESMO 2022: immune myocarditis (chest pain, often with myositis) can "
            "be fatal if missed"
        ),
        gettext_noop("ASCO 2021: colitis grade 2, hold and corticosteroids"),
        gettext_noop("ASCO 2021: diarrhoea/colitis grade 2 on immune checkpoint inhibitors"),
        gettext_noop("ASCO 2021: hepatitis grade 3, admission above 8 x ULN"),
        gettext_noop("ASCO 2021: pneumonitis grade 2, chest imaging"),
        gettext_noop(
            "ASTCT 2019; CAR-T SmPCs 4.4: any fever or neurological sign after infusion needs"
            " immediate assessment"
        ),
        gettext_noop(
            "CAR-T SmPCs 4.4: relatives watch for neurological signs and call at once; ASTCT "
            "2019 ICANS"
        ),
        gettext_noop("CTCAE v5.0 / ASTCT 2019 grade 4; the CAR-T on-call is told too"),
        gettext_noop("CTCAE v5.0 grade 1; ASCO 2021: continue treatment at grade 1 (most organs)"),
        gettext_noop(
            "CTCAE v5.0 grade 2; ASCO 2021: hold immunotherapy at grade 2, resume at grade <= 1"
        ),
        gettext_noop("CTCAE v5.0 grade 3 (severe); ASCO 2021: hold and corticosteroids at grade 3"),
        gettext_noop("CTCAE v5.0 grade 4: life-threatening consequences"),
        gettext_noop(
            "CTCAE v5.0 grade 4; ESMO 2016: antibiotics within the hour; the oncologist is told too"
        ),
        gettext_noop(
            "ESMO 2016; ASCO/IDSA 2018: a febrile patient on chemotherapy is managed as "
            "neutropenic until a count says otherwise; antibiotics within the hour"
        ),
        gettext_noop(
            "Triage contract default@2: fever on chemotherapy or immunotherapy is never routine"
        ),
        gettext_noop("Triage contract default@2; ASTCT 2019: a seizure is ICANS grade >= 3"),
    }
)


@register.filter
def also_notified(rule: Any, rule_set: Any) -> tuple[str, ...]:
    """The roles the rule set's ``also_notify`` additions always add to this rule's."""
    from ..rules.policy import also_notified as extra

    return extra(rule_set, rule)


@register.filter(name="rule_sentence")
def rule_sentence_filter(rule: Any) -> str:
    return rule_sentence(rule)


@register.filter(name="condition")
def condition_filter(when: dict) -> str:
    return condition_text(when)


@register.filter(name="deadline")
def deadline_filter(minutes: int | None) -> str:
    return deadline_text(minutes)


@register.filter(name="rule_name")
def rule_name_filter(rule_id: str) -> str:
    return rule_label(rule_id)


# --- what the patient is told about who was told (safety review: never more than the code did) ---

_CLAIM_WORDS = ("prévenu", "alerted", "alerté")
PHYSICIAN_ROLES = frozenset(
    {"oncologist", "on_call_physician", "car_t_on_call", "icu_on_call", "neurology_on_call"}
)


@register.filter
def advice_without_claims(advice: str) -> str:
    """The rule's advice to the patient without its sentences saying who has been told: that
    is said once, from the alert's actual recipients (``who_was_told``), since a role may be
    held by nobody at that moment."""
    sentences = [s for s in (advice or "").replace(". ", ".\n").split("\n") if s.strip()]
    kept = [s for s in sentences if not any(word in s.lower() for word in _CLAIM_WORDS)]
    return " ".join(kept)


@register.simple_tag
def who_was_told(report: Any) -> str:
    """One true sentence for the patient: a physician of the care team received the alert, or
    the care team did, or nobody could be reached (then say so: call 15 or the unit)."""
    from django.utils.translation import gettext

    alert = getattr(report, "alert", None) if report is not None else None
    if alert is None:
        return ""
    roles = set(alert.recipients.values_list("role", flat=True))
    if roles & PHYSICIAN_ROLES:  # the on-call role falls back to the referring physician
        return gettext("An alert has been sent to a physician of your care team.")
    if roles:
        return gettext("An alert has been sent to your care team.")
    return gettext("Nobody in your care team could be reached automatically: call 15, or the unit.")


@register.simple_tag
def comment_warnings(report: Any) -> list[Any]:
    """The portal's warning-sign categories (label, advice, numbers) found in a report's
    comment, in the data file's order."""
    keys = {sign.get("category") for sign in getattr(report, "comment_warning_signs", []) or []}
    if not keys:
        return []
    from oncoparcours.monitoring import comment_checks

    return [c for c in comment_checks.categories() if c.key in keys]
