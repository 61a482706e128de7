"""French translations for the trials try-out fixes (issue 15 cold try-out)."""

T = {
    "%(gene)s exon %(exon)s": "%(gene)s exon %(exon)s",
}
