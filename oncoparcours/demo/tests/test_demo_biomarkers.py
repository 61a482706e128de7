"""Demo biomarker values agree with their result (issue 14: a PD-L1 "negative" with a TPS of
60 % was shown)."""

from __future__ import annotations

import random
import re

from oncoparcours.demo.cancers import BIOMARKERS, biomarker_value


def test_demo_values_agree_with_the_result():
    rng = random.Random(3)
    for markers in BIOMARKERS.values():
        for marker, _alteration, _share in markers:
            for _ in range(50):
                positive, negative = (
                    biomarker_value(marker, True, rng),
                    biomarker_value(marker, False, rng),
                )
                if marker == "PD-L1":  # positive from a TPS of 1 %
                    assert int(re.findall(r"\d+", positive)[0]) >= 1
                    assert negative == "TPS 0 %"
                elif marker == "HER2":  # 3+ positive, 0 or 1+ negative
                    assert positive == "IHC 3+" and negative in {"IHC 0", "IHC 1+"}
                elif marker in {"RE", "RP"}:  # positive from 1 % of stained cells
                    assert int(positive.split()[0]) >= 1 and negative == "0 %"
                else:
                    assert positive == negative == ""


def test_demo_biomarkers_become_structured_results_or_to_verify():
    """The demo converts its generated biomarkers (issue 15): IHC with their values, MSI, KRAS
    and ALK are structured; the ambiguous ones stay "to verify" as real legacy rows would."""
    from oncoparcours.patients.rules.biomarker_mapping import structure

    rng = random.Random(5)
    refused = set()
    for markers in BIOMARKERS.values():
        for marker, alteration, _share in markers:
            for positive in (True, False):
                value = biomarker_value(marker, positive, rng)
                result = "positive" if positive else "negative"
                mapped = structure(marker, result, alteration, value)
                if mapped.problem:
                    refused.add((marker, result, mapped.problem[1]))
    assert refused == {
        ("EGFR", "positive", "ambiguous_exon"),  # "mutation exon 19/21": which exon?
        ("EGFR", "negative", "ambiguous_exon"),
        ("IDH1", "negative", "negative_for_one_change"),  # R132H negative: the rest of IDH1?
        ("BRAF", "negative", "negative_for_one_change"),  # V600E negative
        ("MGMT", "positive", "not_structured_marker"),
        ("MGMT", "negative", "not_structured_marker"),
    }
