"""Citizen budget contest: «Жарандардын бюджеттик процесске реалдуу катышуусу» / «Реальное
участие граждан в бюджетном процессе», prizes for executive LSG bodies that involve citizens in
their budget through public hearings (domain README 3.4).

Each call is one edition, named after the budget year drafted. Applicants record every public
hearing (date, venue, subject, announcement, participants and women, questions, proposals
received and adopted) with its minutes; eligibility needs a hearing on the edition's draft
budget inside the call's hearings window. The commission scores 100 points on the three
directions of the Municipal Budget Transparency Index with applicants shown by code only,
until the results are published; prizes go by place from the prize fund (100,000 / 80,000 /
70,000 KGS by default) and may buy equipment or pay for public events.
"""

__version__ = "1.0"
