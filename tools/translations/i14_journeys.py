"""French for the board secretary and the journeys' fixes (issue 14)."""

T = {
    "Tumour board secretary": "Secrétaire de RCP",
    "Only members or the secretary of this board can do this.": (
        "Seuls les membres ou le secrétariat de cette RCP peuvent faire cela."
    ),
    "%(name)s, born on %(birth)s": "%(name)s, né·e le %(birth)s",
    "born on %(birth)s": "né·e le %(birth)s",
    "Menu": "Menu",
}
