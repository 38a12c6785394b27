"""Pilot selection: municipalities apply to become pilot partners of the programme
(domain README 3.1). A registered stub: a one-field form and a three-criterion sheet, enough
to run a call end to end; the letter of interest, the Annex 2 evidence and site visits are
completed in the next issue.
"""

__version__ = "0.1"
