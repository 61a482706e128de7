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
    classification: int | None = None  # 1 benign … 5 pathogenic (ACMG/AMP); None: not given

    @property
    def pathogenic(self) -> bool:
        """Class 4 or 5 (likely pathogenic / pathogenic): the only ones a criterion counts."""
        return self.classification is not None and self.classification >= 4

    @property
    def benign(self) -> bool:
        return self.classification is not None and self.classification <= 2

    def label(self) -> str:
        """What the record says, then ``|c`` and the class (0: not given), for the wording."""
        exon = f" (exon {self.exon})" if self.exon else ""
        if self.protein_change:
            text = f"{self.gene} {self.protein_change}{exon}"
        elif self.fusion_partner:  # written 5'::3' as reported (the gene field is the 5' gene)
            text = f"{self.gene}::{self.fusion_partner} {self.alteration_type}"
        else:
            text = f"{self.gene} {self.alteration_type}{exon}"
        return f"{text}|c{self.classification or 0}"


@dataclass(frozen=True, slots=True)
class NegativeFacts:
    """A gene tested without alteration: of one type and exon when the report says so."""

    gene: str
    alteration_type: str = ""  # "": any alteration of the gene
    exon: int | None = None


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
    negatives: tuple[NegativeFacts, ...] = ()
    tmb: float | None = None
    tmb_values: tuple[float, ...] = ()  # every TMB of the latest TMB result's specimen
    msi: str = ""  # msi_h, msi_l, mss, dmmr, pmmr or ""
    msi_values: tuple[str, ...] = ()  # every status of the latest MSI result's specimen
    ihc: dict[str, tuple[str, float]] = field(default_factory=dict)  # marker -> (scale, value)
    # Every (scale, value) of a marker recorded on the specimen of its latest result (same
    # sampling date), when there are several: two scores of one specimen that differ are
    # discordant, never silently resolved by the order of the records. Empty: ``ihc`` only.
    ihc_values: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    # ERBB2 amplification results (True amplified, False not) by in situ hybridisation of the
    # specimen the latest HER2 IHC score was measured on. None: not narrowed — the amplification
    # results among ``variants`` / ``negatives`` are read, their method unknown (not ISH).
    her2_ish: tuple[bool, ...] | None = None
    # The other ERBB2 amplification results of that specimen: by sequencing (NGS) or a method
    # not recorded. They make a 0/1+ or a 3+ discordant, but never decide a 2+ (ASCO/CAP 2018:
    # an equivocal IHC needs an ISH).
    her2_other: tuple[bool, ...] = ()
    latitude: float | None = None
    longitude: float | None = None

    @property
    def genes(self) -> frozenset[str]:
        """Genes with a variant, both partners of a fusion included."""
        return frozenset(g for v in self.variants for g in (v.gene, v.fusion_partner) if g)
