"""What matching knows of a patient, gathered once (by ``trials.selectors``) from the record."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class DiagnosisFacts:
    icd10: str
    topography: str = ""
    morphology: str = ""


@dataclass(frozen=True, slots=True)
class VariantFacts:
    gene: str
    alteration_type: str
    exon: int | None = None
    protein_change: str = ""
    fusion_partner: str = ""

    def label(self) -> str:
        exon = f" (exon {self.exon})" if self.exon else ""
        if self.protein_change:
            return f"{self.gene} {self.protein_change}{exon}"
        if self.fusion_partner:
            return f"{self.gene}::{self.fusion_partner} {self.alteration_type}"
        return f"{self.gene} {self.alteration_type}{exon}"


@dataclass(slots=True)
class PatientFacts:
    """``None`` (or an empty collection where stated) means "not known": the criterion that
    needs it is "to verify", never silently met or not met."""

    age: int
    sex: str  # "F", "M", "X" (undetermined → unknown)
    diagnoses: tuple[DiagnosisFacts, ...] = ()
    metastatic: bool | None = None
    stage_group: str = ""
    prior_lines: int | None = None  # None: no anticancer treatment recorded
    prior_drugs: frozenset[str] = frozenset()  # lower-case words of the regimens
    prior_classes: frozenset[str] = frozenset()  # treatment kinds
    ecog: int | None = None
    labs: dict[str, float] = field(default_factory=dict)
    sequenced: bool = False  # a variant panel result is recorded (absence then means absent)
    variants: tuple[VariantFacts, ...] = ()
    tmb: float | None = None
    msi: str = ""  # msi_h, msi_l, mss, dmmr, pmmr or ""
    ihc: dict[str, tuple[str, float]] = field(default_factory=dict)  # marker -> (scale, value)
    latitude: float | None = None
    longitude: float | None = None

    @property
    def genes(self) -> frozenset[str]:
        """Genes with a variant, both partners of a fusion included."""
        return frozenset(g for v in self.variants for g in (v.gene, v.fusion_partner) if g)
