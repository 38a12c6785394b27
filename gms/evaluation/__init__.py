"""Evaluation, as one domain package: the commission of a call and conflicts of interest,
assignments and score sheets, the consensus, the ranking, the decision meeting, awards,
publication and appeals, with their models (:mod:`.models`), forms, views (blueprint
``review``) and templates."""
