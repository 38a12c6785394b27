"""Pilot selection: aiyl aimaks and small towns apply, jointly with their local council, to
become pilot partners of the programme (domain README 3.1; the 2017 call to the local
self-government bodies of Osh oblast, with its Annex 1 and Annex 2).

The application is the letter of interest with its joint action plan and every part of the
information formats; the eligibility rules follow the call's criteria 1–3, with the allowance
for newly appointed heads; staff plan and record verification visits (the plugin's table
``pilot_selection_visits`` and its pages under ``/p/pilot_selection``); the commission scores
five criteria of 0–5; the best-scored become pilots, as many as the call's number of awards,
and each gets a memorandum of cooperation (PDF). No money is awarded.
"""

__version__ = "1.0"
