"""French translations for issue 12, part 4 follow-up (stage-specific survival, sites added to the
table, no figure while the prognosis is to check, the "approx." mark explained)."""

T = {
    "5-year net survival not determined: from %(low)s to %(high)s %% depending on the missing"
    " facts": "survie nette à 5 ans non déterminée : de %(low)s à %(high)s %% selon les éléments"
    " manquants",
    "approx.: approximate figure, from a secondary source or not checked against the"
    " publication": "approx. : chiffre approché, source secondaire ou non vérifiée sur la"
    " publication",
    "see the source": "voir la source",
}
