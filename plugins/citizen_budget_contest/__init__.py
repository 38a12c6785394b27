"""Citizen budget contest: «Реальное участие граждан в формировании местного бюджета», prizes
for LSG bodies that involve citizens in the budget through public hearings (domain README
3.4). A registered stub: a one-field form and the three-direction sheet, enough to run a call
end to end; the hearing records, anonymised review and prizes by place are completed in the
next issue.
"""

__version__ = "0.1"
