"""The curation page's criterion-by-criterion form: remove criteria, add one typed criterion
(with its verbatim source text) without writing JSON. The result goes through the same preview
and save as the JSON editor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from oncoparcours.core.number_fields import FrenchFloatField

from .rules.tree import SCHEMA, tree_problems

KINDS = [
    ("", _("— choose —")),
    ("disease", _("Disease (ICD-10, ICD-O-3, group)")),
    ("variant", _("Gene alteration")),
    ("tmb", _("Tumour mutational burden")),
    ("msi", _("MSI / MMR")),
    ("ihc", _("Immunohistochemistry")),
    ("age", _("Age")),
    ("sex", _("Sex")),
    ("stage", _("Stage / metastatic")),
    ("line", _("Prior lines of treatment")),
    ("prior_drug", _("Prior drugs or drug classes")),
    ("ecog", _("ECOG performance status")),
    ("lab", _("Laboratory test")),
]
# Form field → (criterion field, how the text is read). Bounds are shared by the kinds that
# have them; everything else belongs to one kind.
FIELDS: dict[str, tuple[str, str]] = {
    "group": ("group", "text"),
    "icd10": ("icd10", "list"),
    "morphology": ("morphology", "list"),
    "exclude_icd10": ("exclude_icd10", "list"),
    "gene": ("gene", "upper"),
    "alteration_type": ("alteration_type", "text"),
    "protein_change": ("protein_change", "text"),
    "protein_position": ("protein_position", "text"),
    "exon": ("exon", "int"),
    "fusion_partner": ("fusion_partner", "upper"),
    "wild_type": ("wild_type", "bool"),
    "minimum": ("min", "number"),
    "maximum": ("max", "number"),
    "msi_status": ("status", "text"),
    "marker": ("marker", "upper"),
    "scale": ("scale", "text"),
    "sex": ("sex", "text"),
    "metastatic": ("metastatic", "yes_no"),
    "stage_groups": ("stage_groups", "list"),
    "drugs": ("drugs", "lower_list"),
    "classes": ("classes", "lower_list"),
    "test": ("test", "text"),
    "unit": ("unit", "text"),
}
PROBLEMS = {
    "not_gene": _("an HGNC gene symbol in capitals, e.g. BRAF"),
    "unknown_gene": _("unknown gene: not an HGNC symbol the platform knows (e.g. BRAF, KRAS)"),
    "not_icd10": _("ICD-10 codes, e.g. C18 or C50.4"),
    "ecog_out_of_range": _("ECOG performance status goes from 0 to 5"),
    "age_out_of_range": _("an age goes from 0 to 120 years"),
    "tmb_out_of_range": _("TMB goes from 0 to 1000 mutations/Mb"),
    "line_out_of_range": _("a number of prior lines goes from 0 to 100"),
    "her2_score_out_of_range": _("a HER2 IHC score goes from 0 to 3 (3+)"),
    "percent_out_of_range": _("a percentage or a CPS goes from 0 to 100"),
    "min_above_max": _("the minimum is above the maximum"),
    "not_protein_change": _("an HGVS protein change, e.g. p.V600E"),
    "not_protein_position": _("a residue and its position, e.g. p.V600"),
    "not_icdo_morphology": _(
        "ICD-O-3 morphology codes: a block (814), a type (8140) or a type with its behaviour "
        "digit (8140/3, behaviour 0, 1, 2, 3, 6 or 9); without the digit the code means malignant"
    ),
    "not_icdo_topography": _("ICD-O-3 topography codes, e.g. C34 or C34.1"),
    "unknown_choice": _("not one of the choices"),
    "required": _("required for this kind of criterion"),
    "partner_without_fusion": _("a fusion partner needs the alteration type fusion"),
    "not_number": _("not a number"),
    "not_boolean": _("true or false expected"),
    "not_text": _("text expected"),
    "not_text_list": _("a list of texts expected"),
    "not_a_node": _("not a node (and, or, not or a criterion)"),
    "operator_needs_list": _("an and / or node needs a non-empty list, a not node one node"),
    "unknown_criterion": _("unknown kind of criterion"),
    "unknown_field": _("unknown field for this kind of criterion"),
}


def _choices(*pairs: tuple[str, Any]) -> list[tuple[str, Any]]:
    return [("", _("— choose —")), *pairs]


class CriterionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of criterion"), choices=KINDS, required=False)
    exclusion = forms.BooleanField(
        label=_("Exclusion criterion (the patient must NOT meet it)"), required=False
    )
    text = forms.CharField(
        label=_("Verbatim source text"), max_length=1000, required=False,
        help_text=_("The sentence of the protocol this criterion comes from."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    group = forms.ChoiceField(
        label=_("Group"), required=False,
        choices=_choices(("solid", _("any solid tumour")),
                         ("haematological", _("any haematological malignancy"))),
    )  # fmt: skip
    icd10 = forms.CharField(
        label=_("ICD-10 codes (comma-separated)"), max_length=200, required=False
    )
    morphology = forms.CharField(
        label=_("ICD-O-3 morphologies (comma-separated)"), max_length=200, required=False
    )
    exclude_icd10 = forms.CharField(label=_("Except ICD-10 codes"), max_length=200, required=False)
    gene = forms.CharField(label=_("Gene"), max_length=20, required=False)
    alteration_type = forms.ChoiceField(
        label=_("Alteration type"), required=False,
        choices=_choices(("mutation", _("mutation (SNV or indel)")), ("snv", _("SNV")),
                         ("indel", _("indel")), ("fusion", _("fusion")),
                         ("amplification", _("amplification")), ("deletion", _("deletion")),
                         ("cnv", _("copy-number change"))),
    )  # fmt: skip
    protein_change = forms.CharField(
        label=_("Protein change (exact)"), max_length=200, required=False
    )
    protein_position = forms.CharField(
        label=_("Any change at position"), max_length=200, required=False
    )
    exon = forms.IntegerField(label=_("Exon"), required=False, min_value=1, max_value=200)
    fusion_partner = forms.CharField(label=_("Fusion partner"), max_length=20, required=False)
    wild_type = forms.BooleanField(label=_("Wild type required"), required=False)
    minimum = FrenchFloatField(label=_("Minimum"), required=False)
    maximum = FrenchFloatField(label=_("Maximum"), required=False)
    msi_status = forms.ChoiceField(
        label=_("MSI / MMR status"), required=False,
        choices=_choices(("msi_h", _("MSI-H / dMMR")), ("mss", _("MSS / pMMR"))),
    )  # fmt: skip
    marker = forms.CharField(label=_("IHC marker"), max_length=20, required=False)
    scale = forms.ChoiceField(
        label=_("IHC scale"), required=False,
        choices=_choices(("her2_score", _("HER2 score (0 to 3+)")),
                         ("percent", _("% of cells")), ("cps", _("CPS"))),
    )  # fmt: skip
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=_choices(("F", _("women")), ("M", _("men")))
    )
    metastatic = forms.ChoiceField(
        label=_("Metastatic"), required=False,
        choices=_choices(("yes", _("yes")), ("no", _("no"))),
    )  # fmt: skip
    stage_groups = forms.CharField(
        label=_("Stage groups (comma-separated)"), max_length=200, required=False
    )
    drugs = forms.CharField(label=_("Drugs (comma-separated)"), max_length=200, required=False)
    classes = forms.CharField(
        label=_("Drug classes (comma-separated)"), max_length=200, required=False
    )
    test = forms.CharField(label=_("Laboratory test"), max_length=60, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)

    def _read(self, name: str, how: str) -> Any:
        value = self.cleaned_data.get(name)
        if value in (None, "", False):
            return None
        if how in ("list", "lower_list"):
            items = [v.strip() for v in str(value).replace(";", ",").split(",") if v.strip()]
            items = [v.lower() for v in items] if how == "lower_list" else items
            return [v.upper() for v in items] if name in ("icd10", "exclude_icd10") else items
        if how == "upper":
            return str(value).strip().upper()
        if how == "yes_no":
            return value == "yes"
        if how == "number":
            return int(value) if float(value).is_integer() else value
        return value.strip() if isinstance(value, str) else value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if not kind:
            return data
        if not (data.get("text") or "").strip():
            self.add_error("text", _("Give the protocol's sentence this criterion comes from."))
        criterion: dict[str, Any] = {"criterion": kind}
        for name, (target, how) in FIELDS.items():
            value = self._read(name, how)
            if value is None:
                continue
            if target not in SCHEMA[kind]:
                self.add_error(name, _("Does not apply to this kind of criterion."))
            else:
                criterion[target] = value
        by_target = {target: name for name, (target, _how) in FIELDS.items()}
        for path, code in tree_problems(criterion):  # every problem in the same round
            field = by_target.get(path.rsplit(".", 1)[-1], "kind")
            if field not in self.errors:
                self.add_error(field, PROBLEMS.get(code, _("not a valid value")))
        low, high = criterion.get("min"), criterion.get("max")
        if low is not None and high is not None and low > high:
            self.add_error("maximum", _("The maximum is below the minimum."))
        if kind == "lab" and not criterion.get("unit") and "unit" not in self.errors:
            self.add_error("unit", _("Give the unit (e.g. µmol/L, or × ULN)."))
        if len(criterion) == 1 and kind != "msi":
            self.add_error("kind", _("Fill in at least one value of the criterion."))
        data["criterion"] = criterion
        return data

    SECTIONS = [
        (_("Criterion"), ["kind", "exclusion", "text"]),
        (_("Disease"), ["group", "icd10", "morphology", "exclude_icd10"]),
        (_("Gene alteration"), ["gene", "alteration_type", "protein_change", "protein_position",
                                "exon", "fusion_partner", "wild_type"]),
        (_("Range (age, ECOG, prior lines, TMB, IHC, laboratory test)"), ["minimum", "maximum"]),
        (_("Other values"), ["msi_status", "marker", "scale", "sex", "metastatic",
                             "stage_groups", "drugs", "classes", "test", "unit"]),
    ]  # fmt: skip

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.SECTIONS]
