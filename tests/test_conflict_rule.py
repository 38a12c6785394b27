"""The conflict-of-interest rule is one list of conditions: each gives the same answer as a
Python check and as SQL, on sample facts (the checks over the database compare
:func:`detect` with :func:`detect_in_call` and :func:`barred_condition`)."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import case, create_engine, literal, null, select

from gms.evaluation.conflicts import CONDITIONS, Side, _applying

ORGS, PLACES, RAYONS = (1, 2, None), ("417082", "417022", None), ("Alamüdün", "Sokuluk", None)
MEMBERS = [Side(o, p, r, {2}) for o, p, r in itertools.product(ORGS, PLACES, RAYONS)]
APPLICANTS = [Side(o, p, r) for o, p, r in itertools.product(ORGS[:2], PLACES, RAYONS)]


def _sql(value):
    return null() if value is None else literal(value)


@pytest.mark.parametrize("condition", CONDITIONS, ids=lambda c: c.code)
def test_each_condition_answers_alike_in_python_and_in_sql(condition):
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        for member, applicant in itertools.product(MEMBERS, APPLICANTS):
            in_sql = Side(_sql(member.organisation_id), _sql(member.territory_code),
                          _sql(member.rayon), sorted(member.links))
            theirs = Side(_sql(applicant.organisation_id), _sql(applicant.territory_code),
                          _sql(applicant.rayon))
            sql = connection.scalar(select(case((condition.sql(in_sql, theirs), 1), else_=0)))
            assert bool(sql) == condition.holds(member, applicant), (member, applicant)


def test_a_municipalitys_own_call_counts_only_the_organisation_and_links():
    assert [c.code for c in _applying(own_call=True)] == ["own_organisation", "recorded_link"]
    assert [c.code for c in _applying(own_call=False)] == [c.code for c in CONDITIONS]
