"""The application form: the core's title and requested amount, then the planting."""

from gms.forms import (
    ApplicationForm,
    IntegerField,
    NumberRange,
    Present,
    text_area,
    text_line,
)

from .i18n import _l


class TreePlantingForm(ApplicationForm):
    """One section: where, how many trees of which species, who plants and waters them."""

    site = text_line(_l("Planting site"))
    seedlings = IntegerField(_l("Number of seedlings"),
                             validators=[Present(), NumberRange(min=1, max=100_000)])
    species = text_line(_l("Species to plant"))
    residents = IntegerField(_l("Residents taking part"),
                             validators=[Present(), NumberRange(min=0, max=100_000)])
    care = text_area(_l("Watering and care for three years"))
