"""Criteria and results in the user's language (French first): the rules give codes and values,
this module words them."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from oncoparcours.directory.referential import icd10_label

from .rules.criteria import DISCORDANT, DISCORDANT_SEP, MET, NOT_MET
from .rules.tree import LeafResult

GROUP_LABELS = {"solid": "any solid tumour", "haematological": "any haematological malignancy"}


def _num(value: Any) -> str:
    """A criterion's limit the reader's way (decimal comma in French)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return number_format(value) if isinstance(value, int | float) else str(value)


def _bounds(c: dict[str, Any], unit: str = "") -> str:
    """Every limit the rules apply: ``min`` (≥), ``max`` (≤) and ``below`` (strictly <), e.g.
    ER/PR negative is ``below: 1`` % (ASCO/CAP 2020) — dropping it would read as "positive"."""
    low, high, below = c.get("min"), c.get("max"), c.get("below")
    parts = []
    if low is not None and high is not None:
        parts.append(f"{_num(low)}–{_num(high)}{unit}")
    elif low is not None:
        parts.append(f"≥ {_num(low)}{unit}")
    elif high is not None:
        parts.append(f"≤ {_num(high)}{unit}")
    if below is not None:
        parts.append(f"< {_num(below)}{unit}")
    return " ".join(parts)


def _codes(codes: list[str]) -> str:
    return ", ".join(f"{c} {icd10_label(c)}".strip() for c in codes)


def _disease(c: dict[str, Any]) -> str:
    parts = []
    if c.get("group") == "solid":
        parts.append(_("any solid tumour"))
    elif c.get("group") == "haematological":
        parts.append(_("any haematological malignancy"))
    if c.get("icd10"):
        parts.append(_codes(c["icd10"]))
    if c.get("topography"):
        parts.append(_("ICD-O-3 topography %(codes)s") % {"codes": ", ".join(c["topography"])})
    if c.get("morphology"):
        parts.append(_("ICD-O-3 morphology %(codes)s") % {"codes": ", ".join(c["morphology"])})
    text = _("Disease: %(what)s") % {"what": "; ".join(parts) or _("any cancer")}
    if c.get("exclude_icd10"):
        text += " — " + _("except %(codes)s") % {"codes": _codes(c["exclude_icd10"])}
    if c.get("exclude_morphology"):
        text += " — " + _("except ICD-O-3 morphology %(codes)s") % {
            "codes": ", ".join(c["exclude_morphology"])
        }
    return text


def _alteration_word(kind: str) -> str:
    words = {
        "fusion": _("fusion"), "amplification": _("amplification"),
        "deletion": _("deep deletion"), "mutation": _("mutation"),
        "cnv": _("copy-number change"), "snv": _("single-nucleotide variant"),
        "indel": _("insertion / deletion"),
    }  # fmt: skip
    return str(words.get(kind, ""))


def _variant(c: dict[str, Any]) -> str:
    """Natural wording: "BRAF : toute mutation faux-sens en position V600", "ALK : fusion",
    "NTRK1 : fusion avec TPM3", "EGFR : mutation de l'exon 19", "KRAS non muté"."""
    gene = c["gene"]
    if c.get("wild_type"):
        return _("%(gene)s wild type") % {"gene": gene}
    kind = c.get("alteration_type", "")
    if c.get("protein_change"):
        detail = c["protein_change"]
    elif c.get("protein_position"):
        detail = _("any missense mutation at position %(position)s") % {
            "position": c["protein_position"].removeprefix("p.")
        }
    elif c.get("fusion_partner"):
        detail = _("fusion with %(partner)s") % {"partner": c["fusion_partner"]}
    else:
        detail = _alteration_word(kind) or _("any alteration")
    if c.get("exon"):
        detail = _("%(detail)s in exon %(exon)s") % {"detail": detail, "exon": c["exon"]}
    return _("%(gene)s: %(detail)s") % {"gene": gene, "detail": detail}


def _stage(c: dict[str, Any]) -> str:
    if "metastatic" in c:
        return _("Metastatic disease") if c["metastatic"] else _("Non-metastatic disease")
    return _("Stage %(groups)s") % {"groups": ", ".join(c.get("stage_groups", ()))}


def _ihc_unit(c: dict[str, Any]) -> str:
    return {"percent": " %", "her2_score": "+"}.get(c.get("scale", ""), "")


def _ihc(c: dict[str, Any]) -> str:
    bounds = _bounds(c, _ihc_unit(c))
    text = _("IHC %(marker)s %(bounds)s") % {"marker": c["marker"], "bounds": bounds}
    if c.get("below") is not None and c.get("min") is None:
        text += " " + _("(negative)")
    return text


def describe(c: dict[str, Any]) -> str:
    kind = c["criterion"]
    if kind == "disease":
        return _disease(c)
    if kind == "variant":
        return _variant(c)
    simple = {
        "tmb": lambda: _("TMB %(bounds)s mut/Mb") % {"bounds": _bounds(c)},
        "msi": lambda: _("MSI-H / dMMR") if c.get("status", "msi_h") == "msi_h"
        else _("MSS / pMMR"),
        "ihc": lambda: _ihc(c),
        "age": lambda: _("Age %(bounds)s years") % {"bounds": _bounds(c)},
        "sex": lambda: _("Women") if c["sex"] == "F" else _("Men"),
        "stage": lambda: _stage(c),
        "line": lambda: _("Prior lines of treatment %(bounds)s") % {"bounds": _bounds(c)},
        "prior_drug": lambda: _("Prior treatment with %(drugs)s") % {
            "drugs": ", ".join([*c.get("drugs", ()), *c.get("classes", ())])},
        "ecog": lambda: _("ECOG performance status %(bounds)s") % {"bounds": _bounds(c)},
        "lab": lambda: _("Laboratory test %(test)s %(bounds)s") % {
            "test": c["test"], "bounds": _bounds(c, f" {c.get('unit', '')}".rstrip())},
        "to_curate": lambda: _("Eligibility criteria in the text, to curate"),
    }  # fmt: skip
    return simple[kind]()


def result_label(value: int) -> str:
    return {MET: _("met"), NOT_MET: _("not met")}.get(value, _("to verify"))


MSI_LABELS = {"msi_h": "MSI-H", "msi_l": "MSI-L", "mss": "MSS", "dmmr": "dMMR", "pmmr": "pMMR"}


def _number(text: str) -> str:
    """A number found by the rules ("12.5") written the reader's way ("12,5" in French)."""
    try:
        value = float(text)
    except ValueError:
        return text
    return number_format(int(value) if value.is_integer() else value)


def _variant_found(found: str) -> str:
    """The rules give "BRAF p.V600E|c3" (the class, 0 when not given) or "KRAS|wt"."""
    label, _sep, tag = found.rpartition("|")
    if not label:
        return _("Recorded alteration: %(label)s.") % {"label": found}
    if tag == "wt":
        return _("A result without alteration of %(gene)s is recorded.") % {"gene": label}
    words = {
        "c0": _(
            "its class (pathogenic, uncertain significance, benign) is not recorded: "
            "to verify in the laboratory report"
        ),
        "c1": _("classified benign (class 1): it does not count"),
        "c2": _("classified likely benign (class 2): it does not count"),
        "c3": _(
            "variant of uncertain significance (class 3): it does not prove the alteration, "
            "to verify with the molecular biologist"
        ),
        "c4": _("classified likely pathogenic (class 4)"),
        "c5": _("classified pathogenic (class 5)"),
    }
    return _("Recorded alteration: %(label)s, %(class)s.") % {
        "label": label,
        "class": words.get(tag, tag),
    }


def _found_value(criterion: dict[str, Any], found: str) -> str:
    """One result as a short phrase, for a list of discordant results ("HER2 2+ ≠ 3+")."""
    kind = criterion.get("criterion")
    if kind == "ihc":
        her2 = {  # HER2 2+ and the ISH result read beside it (``criteria.ihc``)
            "2+": "2+",
            "2+ ISH+": _("2+, ERBB2 amplified (in situ hybridisation)"),
            "2+ ISH-": _("2+, ERBB2 not amplified (in situ hybridisation)"),
            # An amplification result not by in situ hybridisation does not conclude a 2+.
            "2+ other+": _(
                "2+, ERBB2 amplified by sequencing (NGS) or by a method not recorded: an in "
                "situ hybridisation (ISH) is needed to conclude (ASCO/CAP 2018)"
            ),
            "2+ other-": _(
                "2+, ERBB2 not amplified by sequencing (NGS) or by a method not recorded: an "
                "in situ hybridisation (ISH) is needed to conclude (ASCO/CAP 2018)"
            ),
            # An ISH result named beside a score it contradicts ("1+ ≠ ERBB2 amplified").
            "ISH+": _("ERBB2 amplified"),
            "ISH-": _("ERBB2 not amplified"),
        }
        # A HER2 score comes with its "+" ("3+"): never "3++".
        return her2.get(found) or (
            found if found.endswith("+") else _number(found) + _ihc_unit(criterion)
        )
    if kind == "msi":
        return MSI_LABELS.get(found, found)
    if kind == "tmb":
        return _("%(value)s mut/Mb") % {"value": _number(found)}
    if kind == "variant":
        label, _sep, tag = found.rpartition("|")
        if tag == "wt":
            return _("%(gene)s: no alteration found") % {"gene": label}
        if tag in ("c1", "c2"):
            return _("%(label)s classified benign") % {"label": label}
        if tag in ("c4", "c5"):
            return _("%(label)s classified pathogenic") % {"label": label}
        return label or found
    return found


def found_sentence(criterion: dict[str, Any], found: str, value: int) -> str:
    """What the record says for one criterion, as a sentence: the rules give raw values ("F",
    "M1", "12.5"), this words them ("the patient is a woman", "metastatic disease (M1)")."""
    if not found:
        if value == NOT_MET:
            return _("Nothing matching is recorded for the patient.")
        return _("Not recorded in the patient's file.")
    kind = criterion.get("criterion")
    if found.startswith(DISCORDANT):
        results = found.removeprefix(DISCORDANT).split(DISCORDANT_SEP)
        if value == NOT_MET:  # a wild-type criterion and a pathogenic variant (``variant``)
            return _(
                "Discordant results for the same marker: %(results)s. The pathogenic variant "
                "found rules the criterion out; the reports are to check."
            ) % {"results": " ≠ ".join(_found_value(criterion, r) for r in results)}
        return _(
            "Discordant results for the same marker: %(results)s. Which one holds is to verify "
            "in the reports."
        ) % {"results": " ≠ ".join(_found_value(criterion, r) for r in results)}
    if kind == "sex":
        return {"F": _("The patient is a woman."), "M": _("The patient is a man.")}.get(
            found, _("Sex recorded: %(value)s.") % {"value": found}
        )
    if kind == "age":
        years = int(float(found)) if found.replace(".", "", 1).isdigit() else 0
        # Epicene ("Âge noté : 85 ans."): the sentence does not know the patient's sex, and "Le
        # patient a 85 ans" is wrong for a woman (docs/french-writing.md).
        return ngettext("Recorded age: %(age)s year.", "Recorded age: %(age)s years.", years) % {
            "age": found
        }
    if kind == "ecog":
        return _("Recorded ECOG performance status: %(value)s.") % {"value": found}
    if kind == "stage":
        if found == "M1":
            return _("Metastatic disease is recorded (M1).")
        if found == "M0":
            return _("No metastasis is recorded (M0).")
        return _("Recorded stage: %(stage)s.") % {"stage": found}
    if kind == "tmb":
        return _("Recorded tumour mutational burden: %(value)s mut/Mb.") % {"value": _number(found)}
    if kind == "msi":
        return _("Recorded microsatellite status: %(value)s.") % {
            "value": MSI_LABELS.get(found, found)
        }
    if kind == "ihc":
        return _("Recorded immunohistochemistry result: %(value)s.") % {
            "value": _found_value(criterion, found)
        }
    if kind == "line":
        count = int(float(found)) if found.replace(".", "", 1).isdigit() else 0
        return ngettext(
            "%(count)s prior line of treatment is recorded.",
            "%(count)s prior lines of treatment are recorded.",
            count,
        ) % {"count": count}
    if kind == "lab":
        unit = criterion.get("unit", "")
        return _("Recorded value: %(value)s %(unit)s.") % {
            "value": _number(found),
            "unit": unit,
        }
    if kind == "prior_drug":
        return _("Already treated with %(drugs)s.") % {"drugs": found}
    if kind == "variant":
        return _variant_found(found)
    if kind == "disease":
        return _("Recorded diagnosis: %(diagnosis)s.") % {"diagnosis": found}
    return _("Recorded: %(value)s.") % {"value": found}


def reason(leaf: LeafResult, negated: bool = False) -> dict[str, Any]:
    """One line per criterion: what is required, the result, what the patient has.

    Under a NOT the line shows what the criterion contributes to eligibility (an exclusion the
    patient has is "not met", shown in red), not the raw value of the excluded condition: a
    green "met" beside "NOT: prior pembrolizumab" for a treated patient would read as eligible.
    """
    value = MET + NOT_MET - leaf.value if negated else leaf.value
    return {
        "criterion": (_("Exclusion: ") if negated else "") + describe(leaf.criterion),
        "value": value,
        "result": result_label(value),
        "css": {MET: "success", NOT_MET: "danger"}.get(value, "warning"),
        "patient": found_sentence(leaf.criterion, leaf.found, leaf.value),
        "source_text": leaf.criterion.get("text", ""),
        "provenance": leaf.criterion.get("provenance", ""),
    }


def tree_lines(node: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    """The tree as indented lines for reading (AND / OR / NOT headings, then criteria)."""
    labels = {"and": _("All of:"), "or": _("One of:"), "not": _("None of:")}
    for key in ("and", "or"):
        if key in node:
            head = {"depth": depth, "text": labels[key], "operator": True}
            return [head, *[line for c in node[key] for line in tree_lines(c, depth + 1)]]
    if "not" in node:
        head = {"depth": depth, "text": labels["not"], "operator": True}
        return [head, *tree_lines(node["not"], depth + 1)]
    return [{"depth": depth, "text": describe(node), "operator": False,
             "source_text": node.get("text", ""), "provenance": node.get("provenance", ""),
             "curator": node.get("curator", ""), "date": node.get("date", "")}]  # fmt: skip
