"""Formats of TNM (8th edition) categories, stage groups and ICD-O-3 codes."""

from __future__ import annotations

import re

T_RE = re.compile(r"^(TX|T0|Tis(\s?\(?(DCIS|LCIS|Paget)\)?)?|Ta|T[1-4][a-d]?[1-3]?)(\(m\d*\))?$")
N_RE = re.compile(r"^(NX|N0(\(i[+-]\)|\(mol[+-]\))?|N1mi|N[1-3][a-c]?)$")
M_RE = re.compile(r"^(M0(\(i\+\))?|M1[a-d]?[01]?)$")
STAGE_RE = re.compile(r"^(0|0a|0is|I|II|III|IV)([ABC][1-3]?)?$|^occult$")
TOPOGRAPHY_RE = re.compile(r"^C\d{2}\.\d$")
MORPHOLOGY_RE = re.compile(r"^\d{4}/[012369]$")
ECOG_VALUES = (0, 1, 2, 3, 4)
KARNOFSKY_VALUES = tuple(range(0, 101, 10))


def t_ok(value: str) -> bool:
    return bool(T_RE.match(value))


def n_ok(value: str) -> bool:
    return bool(N_RE.match(value))


def m_ok(value: str) -> bool:
    return bool(M_RE.match(value))


def stage_ok(value: str) -> bool:
    return bool(STAGE_RE.match(value))


def topography_ok(value: str) -> bool:
    return bool(TOPOGRAPHY_RE.match(value)) and int(value[1:3]) <= 80


def morphology_ok(value: str) -> bool:
    return bool(MORPHOLOGY_RE.match(value)) and 8000 <= int(value[:4]) <= 9999
