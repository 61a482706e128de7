"""French translations of the 2026-12-04 clinical-safety leftovers (branch safety)."""

T = {
    "Hospitalisation prolonged": "Prolongation d'hospitalisation",
}
T.update(
    {
        "2+, ERBB2 amplified (in situ hybridisation)": "2+, ERBB2 amplifié (hybridation in situ)",
        "2+, ERBB2 not amplified (in situ hybridisation)": (
            "2+, ERBB2 non amplifié (hybridation in situ)"
        ),
    }
)
T.update(
    {
        "Record the HER2 IHC score and the in situ hybridisation result as two results: "
        "HER2 with its score (e.g. 2+), then HER2 amplified or not amplified.": (
            "Saisissez le score IHC HER2 et le résultat de l'hybridation in situ comme deux "
            "résultats : HER2 avec son score (ex. 2+), puis HER2 amplifié ou non amplifié."
        ),
    }
)
T.update(
    {
        "by invitation": "sur invitation",
        "By invitation (not counted as open):": "Sur invitation (non compté comme ouvert) :",
    }
)
