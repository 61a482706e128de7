"""French translations of the strings added on branch cold2 (who changes a patient record, the
table scroll hint)."""

T = {
    "The care team is changed by its physicians, its coordination nurses and its lead.": (
        "L'équipe de soins est modifiée par ses médecins, ses infirmier(ère)s de coordination "
        "et son responsable."
    ),
    "The identity is corrected by the care team's physicians, its coordination nurses and its "
    "lead.": (
        "L'identité est corrigée par les médecins de l'équipe de soins, ses infirmier(ère)s de "
        "coordination et son responsable."
    ),
    "Diagnoses and stagings are entered by the care team's physicians and its lead.": (
        "Les diagnostics et les stadifications sont saisis par les médecins de l'équipe de soins "
        "et son responsable."
    ),
    "a staging": "une stadification",
    "Scroll the table →": "Faites défiler le tableau →",
}
