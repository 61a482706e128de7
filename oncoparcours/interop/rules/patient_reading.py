"""A FHIR Patient read into the identity fields of the OncoParcours record. The identity rules
(RNIV names, dates) are applied by the patient service; here only what FHIR allows and the
record does not: a missing sex or birth date, a death without its date, a foreign address."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

GENDERS = {"female": "F", "male": "M", "other": "X"}
Problems = list[tuple[str, str]]


def _name_of(names: list[dict[str, Any]], use: str) -> dict[str, Any] | None:
    return next((n for n in names if n.get("use") == use), None)


def _names(resource: dict[str, Any], problems: Problems) -> dict[str, str]:
    names = [n for n in resource.get("name") or [] if isinstance(n, dict)]
    official = _name_of(names, "official") or _name_of(names, "usual") or next(iter(names), None)
    if not official or not official.get("family") or not official.get("given"):
        problems.append(("name", _("a family name and at least one given name are required")))
        return {}
    maiden = _name_of(names, "maiden")
    given = " ".join(official["given"])
    if maiden and maiden.get("family") and maiden["family"] != official["family"]:
        # The French birth name is the maiden name; the official (married) name is the used one.
        return {
            "birth_last_name": maiden["family"],
            "used_last_name": official["family"],
            "first_names": given,
        }
    return {"birth_last_name": official["family"], "first_names": given}


def _address(resource: dict[str, Any], notes: Problems) -> dict[str, str]:
    addresses = [a for a in resource.get("address") or [] if isinstance(a, dict)]
    if not addresses:
        return {}
    address = addresses[0]
    if address.get("country") not in (None, "", "FR", "FRA", "France"):
        notes.append(("address[0]", _("an address outside France is not kept")))
        return {}
    return {
        "address": " ".join(address.get("line") or []),
        "postcode": address.get("postalCode", ""),
        "city": address.get("city", ""),
    }


def _phone(resource: dict[str, Any], notes: Problems) -> dict[str, str]:
    for index, telecom in enumerate(resource.get("telecom") or []):
        if telecom.get("system") != "phone":
            continue
        value = str(telecom.get("value", ""))
        digits = value.replace(" ", "").replace(".", "").replace("-", "")
        if digits.startswith("+33") or (len(digits) == 10 and digits.startswith("0")):
            return {"phone": value}
        notes.append((f"telecom[{index}]", _("a phone number outside France is not kept")))
    return {}


def patient_values(resource: dict[str, Any]) -> tuple[dict[str, Any], Problems, Problems]:
    problems: Problems = []
    notes: Problems = []
    values: dict[str, Any] = _names(resource, problems)
    gender = resource.get("gender")
    if gender not in GENDERS:
        problems.append(("gender", _("female, male or other is required (no sex is assumed)")))
    else:
        values["sex"] = GENDERS[gender]
    try:
        values["birth_date"] = dt.date.fromisoformat(str(resource.get("birthDate", "")))
    except ValueError:
        problems.append(("birthDate", _("a full birth date (YYYY-MM-DD) is required")))
    if resource.get("deceasedBoolean") is True:
        problems.append(("deceasedBoolean", _("the date of death is required (deceasedDateTime)")))
    elif resource.get("deceasedDateTime"):
        try:
            values["deceased_on"] = dt.date.fromisoformat(str(resource["deceasedDateTime"])[:10])
        except ValueError:
            problems.append(("deceasedDateTime", _("not a date")))
    values.update(_address(resource, notes))
    values.update(_phone(resource, notes))
    return values, problems, notes
