"""Money after the award, as one domain package: grants and their agreements, payment plans,
transfers, co-financing, reports, the ledger, the finance pages and their templates.

``models`` (tables), ``agreements`` and ``agreement_pdf`` (the grant and its agreement),
``transfers`` (money records), ``rates`` (the CHF band), ``payees`` (the grantee's account),
``files`` (a grant's documents), ``reports`` (grantees' reports), ``ledger`` (the figures),
``forms`` (the finance forms) and the blueprint ``finance`` (``blueprint`` with its views in
``grant_views``, ``ledger_views`` and ``report_views``). See docs/money.md.
"""
