"""French for the FHIR BiologicallyDerivedProduct (CAR-T products)."""

T = {
    "CAR-T cells manufactured by %(manufacturer)s": "Cellules CAR-T fabriquées par %(manufacturer)s",
}
