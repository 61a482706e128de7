"""A cancer-site mix plausible for France (share of new cases, approx., INCa "Panorama des
cancers en France" orders of magnitude), with the codes used to generate diagnoses."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class SiteMix:
    key: str
    weight: float
    icd10: tuple[str, ...]
    morphologies: tuple[tuple[str, float], ...]
    sex: str = ""  # "F" / "M" when the site is sex-specific
    haematological: bool = False
    # Which expert centre of the region: expert / haem_expert / cns_expert / lung_expert.
    expert: str = "expert"
    laterality: bool = False
    min_age: int = 35


SITE_MIX: tuple[SiteMix, ...] = (
    SiteMix(
        "breast",
        13.0,
        ("C50.4", "C50.2", "C50.8", "C50.9"),
        (("8500/3", 0.8), ("8520/3", 0.2)),
        sex="F",
        laterality=True,
        min_age=30,
    ),
    SiteMix("prostate", 12.0, ("C61",), (("8140/3", 1.0),), sex="M", min_age=50),
    SiteMix(
        "lung",
        11.0,
        ("C34.1", "C34.3", "C34.9"),
        (("8140/3", 0.55), ("8070/3", 0.28), ("8041/3", 0.17)),
        expert="lung_expert",
        laterality=True,
    ),
    SiteMix("colorectal", 10.0, ("C18.7", "C18.2", "C19", "C20"), (("8140/3", 1.0),)),
    # Haematological malignancies: each ICD-10 code with its own morphology (a DLBCL code with a
    # Hodgkin morphology would be a contradiction the survival table refuses to decide).
    SiteMix(
        "lymphoma",
        2.7,
        ("C83.3",),
        (("9680/3", 1.0),),
        haematological=True,
        expert="haem_expert",
        min_age=20,
    ),
    SiteMix(
        "follicular_lymphoma",
        1.1,
        ("C82.9",),
        (("9690/3", 1.0),),
        haematological=True,
        expert="haem_expert",
        min_age=20,
    ),
    SiteMix(
        "hodgkin_lymphoma",
        0.7,
        ("C81.9",),
        (("9650/3", 1.0),),
        haematological=True,
        expert="haem_expert",
        min_age=20,
    ),
    SiteMix(
        "myeloma",
        2.0,
        ("C90.0",),
        (("9732/3", 1.0),),
        haematological=True,
        expert="haem_expert",
        min_age=45,
    ),
    SiteMix(
        "leukaemia",
        1.25,
        ("C92.0",),
        (("9861/3", 1.0),),
        haematological=True,
        expert="haem_expert",
        min_age=20,
    ),
    SiteMix(
        "chronic_lymphocytic_leukaemia",
        1.25,
        ("C91.1",),
        (("9823/3", 1.0),),
        haematological=True,
        expert="haem_expert",
        min_age=40,
    ),
    SiteMix("melanoma", 4.0, ("C43.5", "C43.7", "C43.6"), (("8720/3", 1.0),), min_age=25),
    SiteMix("bladder", 3.0, ("C67.9",), (("8120/3", 1.0),), min_age=50),
    SiteMix("kidney", 3.0, ("C64",), (("8312/3", 1.0),), laterality=True),
    SiteMix("pancreas", 3.0, ("C25.0", "C25.9"), (("8500/3", 1.0),), min_age=45),
    SiteMix("head_neck", 4.0, ("C01", "C10.9", "C32.9"), (("8070/3", 1.0),)),
    SiteMix("liver", 2.0, ("C22.0",), (("8170/3", 1.0),), min_age=45),
    SiteMix("stomach", 2.0, ("C16.9",), (("8140/3", 1.0),), min_age=45),
    SiteMix("oesophagus", 1.5, ("C15.9",), (("8070/3", 0.6), ("8140/3", 0.4)), min_age=45),
    SiteMix("ovary", 1.5, ("C56",), (("8441/3", 1.0),), sex="F", laterality=True),
    SiteMix("uterus", 2.0, ("C54.1",), (("8380/3", 1.0),), sex="F", min_age=45),
    SiteMix("cervix", 0.7, ("C53.9",), (("8070/3", 1.0),), sex="F", min_age=25),
    SiteMix(
        "glioblastoma", 1.2, ("C71.9", "C71.1"), (("9440/3", 1.0),), expert="cns_expert", min_age=30
    ),
    SiteMix("thyroid", 2.0, ("C73",), (("8260/3", 1.0),), min_age=25),
    SiteMix("mesothelioma", 0.4, ("C45.0",), (("9050/3", 1.0),), expert="lung_expert", min_age=50),
    SiteMix("biliary", 0.6, ("C24.0",), (("8160/3", 1.0),), min_age=45),
)

# Biomarkers tested by site: (marker, alteration, positive probability, value generator key)
BIOMARKERS: dict[str, tuple[tuple[str, str, float], ...]] = {
    "lung": (("EGFR", "mutation exon 19/21", 0.14), ("ALK", "fusion", 0.04), ("PD-L1", "", 0.55)),
    "breast": (("HER2", "surexpression", 0.15), ("RE", "récepteurs aux œstrogènes", 0.75)),
    "glioblastoma": (("IDH1", "R132H", 0.08), ("MGMT", "méthylation du promoteur", 0.45)),
    "colorectal": (("KRAS", "mutation", 0.42), ("MSI", "instabilité microsatellitaire", 0.12)),
    "melanoma": (("BRAF", "V600E", 0.45),),
}


def biomarker_value(marker: str, positive: bool, rng: random.Random) -> str:
    """A measured value consistent with the result: PD-L1 positive from a TPS of 1 % (below:
    negative), HER2 positive at IHC 3+ (0 or 1+ negative; 2+ would need ISH, not drawn),
    hormone receptors positive from 1 % of stained cells (ASCO/CAP). See docs/clinical-rules.md."""
    if marker == "PD-L1":
        return f"TPS {rng.choice([1, 5, 20, 50, 60, 80, 90]) if positive else 0} %"
    if marker == "HER2":
        return "IHC 3+" if positive else rng.choice(["IHC 0", "IHC 1+"])
    if marker in {"RE", "RP"}:
        return f"{rng.choice([30, 60, 80, 90, 100]) if positive else 0} %"
    return ""
