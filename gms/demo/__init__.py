"""Demo data: a ready-to-explore instance, built through the services, loaded once.

``ensure_schema()`` migrates the database; ``load()`` adds the SOATE reference list and one
user per role (four applicant municipalities, three commission members), then each enabled
plugin adds its calls through the ``gms_demo_data`` hook with the :class:`Demo` helpers.
Every step looks for what it would create first, so a second ``load()`` changes nothing.

Municipalities are real units of the SOATE 2021 list; people, projects, figures and documents
are invented for the demo.
"""

from .files import pdf, png
from .loading import Demo, ensure_schema, load
from .people import AK_TAL, BOROLDOI, DOMAIN, KYZYL_SUU, ONBIR_JYLGA, PASSWORD, logins

__all__ = ["AK_TAL", "BOROLDOI", "DOMAIN", "KYZYL_SUU", "ONBIR_JYLGA", "PASSWORD", "Demo",
           "ensure_schema", "load", "logins", "pdf", "png"]
