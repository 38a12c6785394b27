"""Local initiative: two competition types on one shared base (domain README 3.3).

* ``local_initiative``: the programme's «Жергиликтүү демилге» / «Местная инициатива» contest
  for community leaders, initiative groups, NGOs, LSG bodies and municipal institutions,
  alone or jointly, one problem per entry; prizes by place (and nomination) from a prize fund,
  diplomas and finalists' certificates. With the ``ngo_only`` setting it is the special
  contest for NGOs (rules not documented).
* ``local_initiative.municipal``: a municipality's own call to select and finance local
  initiatives from its budget under the model regulation (ГАМСУМО order of 05.09.2019
  №01-18/84): co-financing or completion, the application, proposal, implementation plan and
  budget, the five criteria of the documented Ak-Tal call, a cap per initiative, full or
  partial financing, decided by the municipality's own commission.

See ``docs/competitions/local_initiative.md``.
"""

__version__ = "1.0"
