"""CTML (MatchMiner's YAML trial format) ↔ our eligibility trees (pure).

Supported: ``treatment_list.step[].arm[]`` with ``arm_code``, ``arm_description``,
``arm_suspended`` and a ``match`` tree of ``and`` / ``or`` lists of ``clinical`` and
``genomic`` nodes; the clinical and genomic fields of ``CLINICAL`` / ``GENOMIC`` below.
Anything else (dose levels, other fields, unknown OncoTree names, NOT of a subtree) is refused
with the path of the unsupported part — never silently dropped (docs/trials.md)."""

from __future__ import annotations

import re
from typing import Any

import yaml
from django.utils.translation import gettext as _

from .ctgov import ArmData, RecordError, TrialData

# OncoTree names (primary diagnosis) → our disease criterion. A name that is a histology at a
# site carries ICD-O-3 morphology blocks besides the ICD-10 site (WHO ICD-O-3.2 morphology
# blocks: 814-838 adenomas and adenocarcinomas, 848-849 mucinous and signet-ring, 850-855 ductal,
# lobular and acinar, 857 complex epithelial; 804 small-cell carcinomas; 812-813 transitional cell
# carcinomas): "Lung Adenocarcinoma" is not met by a squamous-cell carcinoma of the lung, and a
# patient whose morphology is not recorded is "to verify" (found side by side with MatchMiner,
# bench/matchminer_compare.py). "_SOLID_" and "_LIQUID_" are groups.
ADENOCARCINOMA = [*(str(block) for block in range(814, 839) if block not in (815, 824)),
                  "844", "845", "846", "847", "848", "849", "850", "851", "852", "853", "854",
                  "855", "857"]  # fmt: skip
# 815 (islet cell / pancreatic neuroendocrine) and 824 (carcinoid, neuroendocrine carcinoma) are
# in the 814-838 block but are not adenocarcinomas; 844-847 are the cystic and mucinous
# adenocarcinomas (e.g. 8453/3 invasive IPMN, 8470/3 mucinous cystadenocarcinoma).
SMALL_CELL_AND_NEUROENDOCRINE = ["8041", "8042", "8043", "8044", "8045", "824", "8013"]
# Not NSCLC: small-cell carcinomas 8041-8045 (8046/3 IS "non-small cell carcinoma"), carcinoid
# tumours 824x and large-cell neuroendocrine carcinoma 8013 (OncoTree: lung neuroendocrine).
ONCOTREE: dict[str, dict[str, list[str]]] = {
    "Melanoma": {"icd10": ["C43"]},
    "Cutaneous Melanoma": {"icd10": ["C43"]},
    "Non-Small Cell Lung Cancer": {
        "icd10": ["C34"],
        "exclude_morphology": SMALL_CELL_AND_NEUROENDOCRINE,
    },
    "Lung Adenocarcinoma": {"icd10": ["C34"], "morphology": ADENOCARCINOMA},
    "Colorectal Adenocarcinoma": {"icd10": ["C18", "C19", "C20"], "morphology": ADENOCARCINOMA},
    "Breast": {"icd10": ["C50"]},
    "Invasive Breast Carcinoma": {"icd10": ["C50"]},
    "Thyroid": {"icd10": ["C73"]},
    "Glioma": {
        "icd10": ["C71", "C72"],  # gliomas ICD-O-3 938-948, not medulloblastoma 947
        "morphology": ["938", "939", "940", "941", "942", "943", "944", "945", "946", "948"],
    },
    "Pancreatic Adenocarcinoma": {"icd10": ["C25"], "morphology": ADENOCARCINOMA},
    "Ovarian Cancer": {"icd10": ["C56"]},
    "Prostate Adenocarcinoma": {"icd10": ["C61"], "morphology": ADENOCARCINOMA},
    "Endometrial Carcinoma": {
        "icd10": ["C54", "C55"],  # carcinomas 801-858, not sarcomas
        "morphology": [str(block) for block in range(801, 859)],
    },
    "Bladder Urothelial Carcinoma": {"icd10": ["C67"], "morphology": ["812", "813"]},
    "Diffuse Large B-Cell Lymphoma": {"icd10": ["C83.3"]},
    "Acute Myeloid Leukemia": {
        "icd10": ["C92.0", "C92.3", "C92.4", "C92.5", "C92.6", "C92.8", "C93.0", "C94.0", "C94.2"]
    },
}
DISEASE_FIELDS = ("icd10", "morphology", "exclude_morphology")


def _oncotree_name(c: dict[str, Any]) -> str | None:
    """The first OncoTree name of the table whose criterion is exactly ``c``'s."""
    wanted = {k: list(c[k]) for k in DISEASE_FIELDS if c.get(k)}
    return next((name for name, fields in ONCOTREE.items() if fields == wanted), None)


GROUP_ONCOTREE = {"solid": "_SOLID_", "haematological": "_LIQUID_"}
ONCOTREE_GROUP = {v: k for k, v in GROUP_ONCOTREE.items()}
VARIANT_CATEGORY = {"Mutation": "mutation", "CNV": "cnv", "Structural Variation": "fusion"}
CATEGORY_CTML = {v: k for k, v in VARIANT_CATEGORY.items()}
CNV_CALL = {"High level amplification": "amplification", "Homozygous deletion": "deletion"}
CNV_CTML = {v: k for k, v in CNV_CALL.items()}
RECEPTORS = {"her2_status": ("HER2", "her2_score", 3), "er_status": ("ER", "percent", 1),
             "pr_status": ("PR", "percent", 1)}  # fmt: skip
COMPARISON = re.compile(r"^(>=|<=|>|<)\s*(\d+(?:\.\d+)?)$")
MSI = {("mmr_status", "MMR-Deficient"): "msi_h", ("mmr_status", "MMR-Proficient"): "mss",
       ("ms_status", "MSI-H"): "msi_h", ("ms_status", "MSS"): "mss"}  # fmt: skip


def _each(items: Any, parse: Any) -> list[Any]:
    """``parse`` applied to every item; every refusal of every item is reported together (one
    RecordError naming them all), never only the first one."""
    out, errors = [], []
    for item in items:
        try:
            out.append(parse(item))
        except RecordError as error:
            errors.append(error)
    if errors:
        raise RecordError.of(errors)
    return out


def _bounds(text: Any, path: str, *, whole: bool) -> dict[str, float]:
    match = COMPARISON.match(str(text).strip())
    if not match:
        raise RecordError(
            _("%(path)s: %(value)s is not a comparison like “>=18”")
            % {"path": path, "value": repr(text)}
        )
    op, number = match.group(1), float(match.group(2))
    # Ages are completed years: "> 18" (older than 18.0 years, as MatchMiner compares birth dates)
    # is everyone past the 18th birthday, i.e. >= 18; "< 18" is <= 17.
    step = 1 if whole else 0
    value = {">=": number, ">": number, "<=": number, "<": number - step}[op]
    if not whole and op in (">", "<"):
        raise RecordError(
            _("%(path)s: strict comparison %(value)s unsupported, use >= or <=")
            % {"path": path, "value": repr(text)}
        )
    value = int(value) if value == int(value) else value
    return {"min": value} if op.startswith(">") else {"max": value}


def _disease(name: str, path: str) -> dict[str, Any]:
    negated = name.startswith("!")
    name = name.lstrip("!")
    if name in ONCOTREE_GROUP:
        if negated:
            raise RecordError(
                _("%(path)s: negated group %(value)s unsupported")
                % {"path": path, "value": repr(name)}
            )
        return {"criterion": "disease", "group": ONCOTREE_GROUP[name]}
    if name not in ONCOTREE:
        raise RecordError(
            _("%(path)s: OncoTree diagnosis %(value)s not in our mapping table")
            % {"path": path, "value": repr(name)}
        )
    fields = ONCOTREE[name]
    if negated and list(fields) == ["icd10"]:
        return {"criterion": "disease", "exclude_icd10": list(fields["icd10"])}
    criterion = {"criterion": "disease", **{k: list(v) for k, v in fields.items()}}
    return {"not": criterion} if negated else criterion


def _verbatim(fragment: dict[str, Any]) -> str:
    """The CTML text of one criterion (its own fragment, not the whole arm)."""
    return yaml.safe_dump(fragment, allow_unicode=True, sort_keys=False).strip()[:1000]


def _stamp(node: dict[str, Any], text: str) -> dict[str, Any]:
    leaf = node.get("not", node)
    leaf["text"] = text
    return node


def _clinical(node: dict[str, Any], path: str) -> list[dict[str, Any]]:
    return _each(
        node.items(),
        lambda item: _stamp(
            _clinical_field(item[0], item[1], f"{path}.{item[0]}"),
            _verbatim({"clinical": {item[0]: item[1]}}),
        ),
    )


def _clinical_field(key: str, value: Any, where: str) -> dict[str, Any]:
    if key == "oncotree_primary_diagnosis":
        return _disease(str(value), where)
    if key == "age_numerical":
        return {"criterion": "age", **_bounds(value, where, whole=True)}
    if key == "tmb_numerical":  # a clinical field in MatchMiner's own configuration
        return {"criterion": "tmb", **_bounds(value, where, whole=False)}
    if key == "gender" and value in ("Female", "Male"):
        return {"criterion": "sex", "sex": str(value)[0]}
    if key in RECEPTORS and value in ("Positive", "Negative"):
        marker, scale, threshold = RECEPTORS[key]
        bound = {"min": threshold} if value == "Positive" else {"max": threshold - 1}
        if scale == "percent" and value == "Negative":
            bound = {"below": 1}  # ER/PR negative: < 1 % (ASCO/CAP 2020)
        return {"criterion": "ihc", "marker": marker, "scale": scale, **bound}
    raise RecordError(
        _("%(path)s: clinical field or value %(value)s unsupported")
        % {"path": where, "value": repr(value)}
    )


def _genomic(node: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """Every problem of the node is reported, not only the first."""
    node = dict(node)
    out: list[dict[str, Any]] = []
    errors: list[RecordError] = []

    def refuse(message: str, **values: str) -> None:
        errors.append(RecordError(message % values))

    for key in ("mmr_status", "ms_status"):
        if key in node:
            text = _verbatim({"genomic": {key: node[key]}})
            status = MSI.get((key, node.pop(key)))
            if status is None:
                refuse(_("%(path)s: value unsupported"), path=f"{path}.{key}")
            out.append({"criterion": "msi", "status": status, "text": text})
    if "tmb_numerical" in node:
        text = _verbatim({"genomic": {"tmb_numerical": node["tmb_numerical"]}})
        try:
            bounds = _bounds(node.pop("tmb_numerical"), path, whole=False)
            out.append({"criterion": "tmb", **bounds, "text": text})
        except RecordError as error:
            errors.append(error)
    if node:
        variant_text = _verbatim({"genomic": dict(node)})
        gene = node.pop("hugo_symbol", None)
        if not gene:
            refuse(_("%(path)s: genomic node without hugo_symbol"), path=path)
        criterion: dict[str, Any] = {"criterion": "variant", "gene": str(gene)}
        category = node.pop("variant_category", None)
        if category not in (None, "Any Variation"):
            if category not in VARIANT_CATEGORY:
                refuse(
                    _("%(path)s: %(value)s unsupported"),
                    path=f"{path}.variant_category",
                    value=repr(category),
                )
            criterion["alteration_type"] = VARIANT_CATEGORY.get(category, "")
        if "cnv_call" in node:
            call = node.pop("cnv_call")
            if call not in CNV_CALL:
                refuse(
                    _("%(path)s: %(value)s unsupported"), path=f"{path}.cnv_call", value=repr(call)
                )
            criterion["alteration_type"] = CNV_CALL.get(call, "")
        if "protein_change" in node:
            criterion["protein_change"] = str(node.pop("protein_change"))
        if "wildcard_protein_change" in node:
            criterion["protein_position"] = str(node.pop("wildcard_protein_change"))
        if "exon" in node:
            exon = node.pop("exon")
            if isinstance(exon, str) and exon.strip().isdigit():
                exon = int(exon)
            if not isinstance(exon, int) or isinstance(exon, bool):
                refuse(
                    _("%(path)s: %(value)s is not a whole number"),
                    path=f"{path}.exon",
                    value=repr(exon),
                )
            criterion["exon"] = exon
        if "wildtype" in node:
            wild = node.pop("wildtype")
            if not isinstance(wild, bool):  # "True" as text would be dropped: BRAF altered then
                refuse(
                    _("%(path)s: %(value)s is not true or false"),
                    path=f"{path}.wildtype",
                    value=repr(wild),
                )
            elif wild:
                criterion["wild_type"] = True
        if node:
            refuse(
                _("%(path)s: genomic fields unsupported: %(fields)s"),
                path=path,
                fields=", ".join(sorted(node)),
            )
        out.append({**criterion, "text": variant_text})
    if errors:
        raise RecordError.of(errors)
    return out


def _all_of(children: list[dict[str, Any]]) -> dict[str, Any]:
    """AND of children, nested ANDs flattened (the index reads the top-level AND)."""
    flat = [leaf for c in children for leaf in c.get("and", [c])]
    return flat[0] if len(flat) == 1 else {"and": flat}


def ctml_to_tree(node: Any, path: str = "match") -> dict[str, Any]:
    """A CTML match tree → our tree (without provenance; see ``with_provenance``)."""
    if isinstance(node, list):
        return _all_of(_each(enumerate(node), lambda ic: ctml_to_tree(ic[1], f"{path}.{ic[0]}")))
    if not isinstance(node, dict) or len(node) != 1:
        raise RecordError(
            _("%(path)s: a node has exactly one key (and, or, clinical, genomic)") % {"path": path}
        )
    key, value = next(iter(node.items()))
    if key in ("and", "or"):
        if not isinstance(value, list) or not value:
            raise RecordError(_("%(path)s: needs a non-empty list") % {"path": f"{path}.{key}"})
        children = _each(enumerate(value), lambda ic: ctml_to_tree(ic[1], f"{path}.{key}.{ic[0]}"))
        return _all_of(children) if key == "and" else {"or": children}
    if key in ("clinical", "genomic") and not isinstance(value, dict):
        raise RecordError(
            _("%(path)s: a mapping of fields is expected") % {"path": f"{path}.{key}"}
        )
    if key in ("clinical", "genomic"):
        parse = _clinical if key == "clinical" else _genomic
        criteria = parse(value, f"{path}.{key}")
        if not criteria:
            raise RecordError(_("%(path)s: empty node") % {"path": f"{path}.{key}"})
        return _all_of(criteria)
    raise RecordError(
        _("%(path)s: %(value)s unsupported (and, or, clinical, genomic)")
        % {"path": path, "value": repr(key)}
    )


def with_provenance(node: dict[str, Any], *, text: str, date: str) -> dict[str, Any]:
    if "and" in node or "or" in node:
        key = "and" if "and" in node else "or"
        return {key: [with_provenance(c, text=text, date=date) for c in node[key]]}
    if "not" in node:
        return {"not": with_provenance(node["not"], text=text, date=date)}
    own = node.get("text") or text  # the criterion's own CTML fragment when known
    return {**node, "text": own, "provenance": "imported", "curator": "", "date": date}


def _arm(arm: dict[str, Any], path: str, index: int, retrieved: str) -> ArmData:
    if not isinstance(arm, dict):
        raise RecordError(_("%(path)s: an arm is a mapping of fields") % {"path": path})
    errors = []
    if "dose_level" in arm:
        errors.append(
            RecordError(_("%(path)s: dose levels unsupported") % {"path": f"{path}.dose_level"})
        )
    if "match" not in arm:
        errors.append(RecordError(_("%(path)s: arm without match tree") % {"path": path}))
    else:
        try:
            tree = ctml_to_tree(arm["match"], f"{path}.match")
        except RecordError as error:
            errors.append(error)
    if errors:
        raise RecordError.of(errors)
    text = yaml.safe_dump(arm["match"], allow_unicode=True, sort_keys=False)[:2000]
    suspended = str(arm.get("arm_suspended", "N")).upper() in ("Y", "TRUE")
    return ArmData(
        code=str(arm.get("arm_code") or f"arm {index + 1}")[:40],
        description=str(arm.get("arm_description", ""))[:500],
        status="suspended" if suspended else "open",
        tree={"schema": 1, "tree": with_provenance(tree, text=text, date=retrieved)},
    )


def _steps(document: dict[str, Any], errors: list[RecordError]) -> list[dict[str, Any]]:
    """The steps of ``treatment_list``; a part of another shape is refused by its path."""
    treatment = document.get("treatment_list") or {}
    steps = treatment.get("step") or [] if isinstance(treatment, dict) else None
    if not isinstance(steps, list):
        errors.append(RecordError(
            _("%(path)s: a list of steps is expected") % {"path": "treatment_list.step"}
            if isinstance(treatment, dict)
            else _("%(path)s: a mapping of fields is expected") % {"path": "treatment_list"}
        ))  # fmt: skip
        return []
    out = []
    for s, step in enumerate(steps):
        if isinstance(step, dict):
            out.append(step)
        else:
            where = f"treatment_list.step.{s}"
            errors.append(
                RecordError(_("%(path)s: a mapping of fields is expected") % {"path": where})
            )
            out.append({})
    return out


def parse_ctml(document: Any, *, retrieved: str) -> TrialData:
    """The trial of one CTML document; every problem of the document is reported together."""
    if not isinstance(document, dict):
        raise RecordError(_("a CTML document is a mapping of fields"))
    errors: list[RecordError] = []
    nct = document.get("nct_id")
    title = document.get("long_title") or document.get("short_title")
    if not nct and not document.get("protocol_no"):
        errors.append(RecordError(_("no nct_id nor protocol_no")))
    if not title:
        errors.append(RecordError(_("no long_title nor short_title")))
    summary = document.get("_summary") or {}
    status_list = (summary.get("status") if isinstance(summary, dict) else None) or [{}]
    first = status_list[0] if isinstance(status_list, list) else None
    if not isinstance(first, dict):  # a status that cannot be read is never taken as "closed"
        errors.append(RecordError(
            _("%(path)s: a list of mappings with a value is expected") % {"path": "_summary.status"}
        ))  # fmt: skip
        first = {}
    status = first.get("value") or document.get("status") or ""
    # As MatchMiner: open only when said so (case and spaces ignored); no status is not open.
    open_trial = str(status).strip().lower() == "open to accrual"
    arms, seen = [], 0
    for s, step in enumerate(_steps(document, errors)):
        arm_list = step.get("arm") or []
        if not isinstance(arm_list, list):
            errors.append(RecordError(
                _("%(path)s: a list of arms is expected") % {"path": f"treatment_list.step.{s}.arm"}
            ))  # fmt: skip
            continue
        for a, arm in enumerate(arm_list):
            seen += 1
            try:
                arms.append(_arm(arm, f"treatment_list.step.{s}.arm.{a}", a, retrieved))
            except RecordError as error:
                errors.append(error)
    if not seen:
        errors.append(RecordError(_("%(path)s: no arm") % {"path": "treatment_list.step.arm"}))
    if errors:
        raise RecordError.of(errors)
    return TrialData(
        nct_id=str(nct) if nct else None,
        sponsor_code=str(document.get("protocol_no", ""))[:60],
        title=str(title)[:400],
        phase=str(document.get("phase", ""))[:30],
        sponsor=str(document.get("principal_sponsor", ""))[:200],
        overall_status="RECRUITING" if open_trial else "ACTIVE_NOT_RECRUITING",
        source="ctml",
        arms=arms,
    )


class ExportError(ValueError):
    pass


def _disease_name(c: dict[str, Any], path: str, *, negated: bool = False) -> str:
    extra = set(c) - {"criterion", "group", "exclude_icd10", *DISEASE_FIELDS, "text",
                      "provenance", "curator", "date"}  # fmt: skip
    if extra or sum(k in c for k in ("group", "icd10", "exclude_icd10")) != 1:
        raise ExportError(
            _(
                "%(path)s: this disease criterion cannot be written in CTML (one OncoTree name or "
                "group, optionally negated, is all CTML says)"
            )
            % {"path": path}
        )
    if "group" in c and not negated and not set(c) & set(DISEASE_FIELDS):
        return GROUP_ONCOTREE[c["group"]]
    if "exclude_icd10" in c and not negated:
        name = _oncotree_name({"icd10": c["exclude_icd10"]})
        negated = True
    else:
        name = _oncotree_name(c)
    if name is None:
        raise ExportError(
            _("%(path)s: this disease criterion has no OncoTree name in our mapping table")
            % {"path": path}
        )
    return ("!" if negated else "") + name


def _criterion_to_ctml(c: dict[str, Any], path: str) -> dict[str, Any]:
    kind = c["criterion"]
    if kind == "disease":
        return {"clinical": {"oncotree_primary_diagnosis": _disease_name(c, path)}}
    if kind == "age" and len({"min", "max"} & set(c)) == 1:
        return {"clinical": {"age_numerical": f">={c['min']}" if "min" in c else f"<={c['max']}"}}
    if kind == "sex":
        return {"clinical": {"gender": "Female" if c["sex"] == "F" else "Male"}}
    if kind == "msi":
        return {"genomic": {"ms_status": "MSI-H" if c.get("status", "msi_h") == "msi_h" else "MSS"}}
    if kind == "tmb" and "min" in c and "max" not in c:
        return {"clinical": {"tmb_numerical": f">={c['min']}"}}
    if kind == "ihc":
        for key, (marker, scale, threshold) in RECEPTORS.items():
            if (c["marker"], c["scale"]) == (marker, scale):
                if c.get("min") == threshold and "max" not in c:
                    return {"clinical": {key: "Positive"}}
                negative = 0 if scale == "percent" else threshold - 1
                if c.get("max") == negative and "min" not in c:
                    return {"clinical": {key: "Negative"}}
        raise ExportError(
            _(
                "%(path)s: this IHC criterion cannot be written in CTML (CTML only says HER2, "
                "ER or PR positive or negative)"
            )
            % {"path": path}
        )
    if kind == "variant" and not c.get("fusion_partner"):
        node: dict[str, Any] = {"hugo_symbol": c["gene"]}
        alteration = c.get("alteration_type")
        if alteration in CATEGORY_CTML:
            node["variant_category"] = CATEGORY_CTML[alteration]
        elif alteration in CNV_CTML:
            node["variant_category"] = "CNV"
            node["cnv_call"] = CNV_CTML[alteration]
        elif alteration:
            raise ExportError(
                _("%(path)s: alteration type %(value)s cannot be written in CTML")
                % {"path": path, "value": repr(alteration)}
            )
        if c.get("protein_position"):
            node["wildcard_protein_change"] = c["protein_position"]
        if c.get("protein_change"):
            node["protein_change"] = c["protein_change"]
        if c.get("exon"):
            node["exon"] = c["exon"]
        if c.get("wild_type"):
            node["wildtype"] = True
        return {"genomic": node}
    if kind == "to_curate":
        raise ExportError(
            _(
                "%(path)s: eligibility text still to curate cannot be written in CTML (curate it "
                "into criteria first)"
            )
            % {"path": path}
        )
    raise ExportError(
        _("%(path)s: criterion %(value)s cannot be written in CTML")
        % {"path": path, "value": repr(kind)}
    )


def tree_to_ctml(node: dict[str, Any], path: str = "tree") -> dict[str, Any]:
    if "and" in node or "or" in node:
        key = "and" if "and" in node else "or"
        return {key: [tree_to_ctml(c, f"{path}.{i}") for i, c in enumerate(node[key])]}
    if "not" in node:
        inner = node["not"]
        if inner.get("criterion") == "disease":  # "!Name" in CTML
            name = _disease_name(inner, f"{path}.not", negated=True)
            return {"clinical": {"oncotree_primary_diagnosis": name}}
        raise ExportError(
            _("%(path)s: an exclusion (NOT) other than of a diagnosis cannot be written in CTML")
            % {"path": path}
        )
    return _criterion_to_ctml(node, path)


def trial_to_ctml(trial: TrialData) -> dict[str, Any]:
    arms = [
        {
            "arm_code": arm.code,
            "arm_description": arm.description,
            "arm_suspended": "N" if arm.status == "open" else "Y",
            "match": [tree_to_ctml(arm.tree["tree"], _("arm %(code)s") % {"code": arm.code})],
        }
        for arm in trial.arms
    ]
    status = "open to accrual" if trial.overall_status == "RECRUITING" else "closed to accrual"
    return {
        "nct_id": trial.nct_id,
        "protocol_no": trial.sponsor_code,
        "long_title": trial.title,
        "phase": trial.phase,
        "_summary": {"status": [{"value": status}]},
        "treatment_list": {"step": [{"arm": arms}]},
    }
