"""Where a grant's money goes: the grantee's local-budget account and treasury code, as its
application gives them (pure Python, for plugins and the core alike).

A plugin whose application form asks for them answers the hook ``gms_payee_account`` (see
docs/plugin-hooks.md) with a :class:`PayeeAccount`, usually by naming its answer keys::

    @hookimpl
    def gms_payee_account(application, competition_type):
        if competition_type.key != "my_plugin":
            return None
        return PayeeAccount.from_answers(application.answers, account="budget_account")

The core copies them to the grant when the award's agreement is prepared, and prefills every
transfer with the grant's values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: the longest account or treasury code a grant and a transfer store
MAX_LENGTH = 60


def clean(value: Any) -> str | None:
    """``value`` as one line without surrounding or repeated blanks, at most
    :data:`MAX_LENGTH` characters; ``None`` when nothing is left (or it is not text or a
    number)."""
    if value is None or isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = " ".join("".join(c if c.isprintable() else " " for c in str(value)).split())
    return text[:MAX_LENGTH].strip() or None


@dataclass(frozen=True)
class PayeeAccount:
    """The grantee's local-budget account and the treasury code of its treasury office; either
    may be missing (``None``). Values are cleaned by :func:`clean` when made."""

    account: str | None = None
    treasury_code: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "account", clean(self.account))
        object.__setattr__(self, "treasury_code", clean(self.treasury_code))

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any], *, account: str | None = None,
                     treasury_code: str | None = None) -> PayeeAccount:
        """The values of the answer keys ``account`` and ``treasury_code`` (top-level keys
        of the stored answers; a key not given, missing or not text is ``None``)."""
        answers = answers if isinstance(answers, Mapping) else {}
        return cls(account=answers.get(account) if account else None,
                   treasury_code=answers.get(treasury_code) if treasury_code else None)

    def __bool__(self) -> bool:
        return bool(self.account or self.treasury_code)
