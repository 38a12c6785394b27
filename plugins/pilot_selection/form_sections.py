"""The sections of the pilot-selection application: the letter of interest (Annex 1), the
general information (Annex 2, Part 1) and the head's answers."""

from __future__ import annotations

from wtforms.fields import DateField
from wtforms.validators import Email, ValidationError

from gms.forms import (
    BooleanField,
    DataRequired,
    FieldList,
    Length,
    Optional,
    StringField,
    SubForm,
)
from gms.forms.tables import choice

from .choices import HEAD_TITLES, RATINGS, YES_NO
from .form_fields import count_answer, line_answer, number_answer, text_answer
from .i18n import _, _l


class LetterForm(SubForm):
    """The letter of interest (Annex 1), but for the joint action plan (a table)."""

    municipality_name = line_answer(_l("Aiyl aimak or town"))
    municipality_location = line_answer(_l("Rayon and oblast, or where the town is"))
    head_title = choice(_l("The letter is signed for"), HEAD_TITLES)
    head_name = line_answer(_l("Head of the aiyl okmotu or mayor (full name)"), max_length=200)
    council_chair_name = line_answer(_l("Chair of the local council (full name)"), max_length=200)
    joint_decision_number = line_answer(_l("Number of the joint decision"), max_length=60)
    joint_decision_date = DateField(_l("Date of the joint decision"),
                                    validators=[DataRequired()])
    declaration_cooperation = BooleanField(_l(
        "Having considered the offer to become a pilot partner of the Project, we declare "
        "with full responsibility that we wish, are able and are ready to cooperate with it "
        "as a target municipality, to make public finance management more transparent and "
        "effective and to involve citizens much more in the decisions of our municipality."))
    declaration_action_plan = BooleanField(_l(
        "The aiyl okmotu staff and the council deputies are ready to take an active part in "
        "the activities of the joint action plan below. If our municipality is selected, the "
        "plan becomes an integral part of the memorandum of cooperation with the Project."))
    declaration_open_governance = BooleanField(_l(
        "We confirm that we follow the principles of open and transparent municipal "
        "governance, giving citizens broad opportunities to take part in solving issues of "
        "local significance, and that all information on the local budget is open, clear and "
        "accessible to citizens under the Law “On access to information held by state bodies "
        "and local self-government bodies” of 28 December 2006."))
    letter_date = DateField(_l("Date of the letter"), validators=[DataRequired()])
    contact_mobile = line_answer(_l("Mobile telephone"), max_length=40)
    contact_phone_fax = line_answer(_l("Landline telephone / fax"), max_length=80)
    postal_address = text_answer(_l("Postal address of the aiyl okmotu or mayor's office"),
                                 max_length=500)


class GeneralForm(SubForm):
    """Annex 2, Part 1: general information on the aiyl aimak or town (items 4 to 14; the
    name, address and telephone are in the letter, the villages and ethnic groups in
    tables)."""

    email = StringField(_l("E-mail of the aiyl okmotu or mayor's office"),
                        validators=[DataRequired(), Email(), Length(max=254)])
    website = line_answer(_l("Website of the aiyl okmotu, mayor's office or council (if any)"),
                          required=False)
    area_ha = number_answer(_l("Area of the aiyl aimak, ha"))
    land_agricultural_ha = number_answer(_l("Agricultural land, ha"))
    land_pastures_ha = number_answer(_l("Of it, pastures, ha"))
    land_non_agricultural_ha = number_answer(_l("Non-agricultural land, ha"))
    land_notes = text_answer(_l("Notes on the land (optional)"), required=False, max_length=2000)
    municipal_property = text_answer(_l("Municipal infrastructure (municipal property)"))
    municipal_land_ha = number_answer(_l("Municipal land, ha (if any)"), required=False)
    own_revenue_kgs = number_answer(_l("Local budget: own revenues, KGS"))
    equalisation_grant_kgs = number_answer(_l("Local budget: equalisation grant, KGS"))
    distance_rayon_km = number_answer(_l("Distance to the rayon centre, km"), maximum=2000)
    distance_oblast_km = number_answer(_l("Distance to the oblast centre, km"), maximum=2000)
    distance_capital_km = number_answer(_l("Distance to Bishkek, km"), maximum=2000)
    villages_count = count_answer(_l("Number of villages"), maximum=500)
    population_total = count_answer(_l("Population"))
    population_women = count_answer(_l("Of them, women"))
    population_men = count_answer(_l("Of them, men"))
    procurement_specialist = choice(
        _l("Does the aiyl okmotu have a specialist certified in public procurement?"), YES_NO)
    procurement_specialist_name = line_answer(_l("The specialist's name"), required=False,
                                              max_length=200)
    procurement_specialist_position = line_answer(_l("The specialist's position"), required=False,
                                                  max_length=200)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        name = self.procurement_specialist_name
        if self.procurement_specialist.data == "yes" and not (name.data or "").strip():
            name.errors = [*name.errors, _("Give the name of the certified specialist.")]
            ok = False
        return ok

    def validate_population_women(self, field):
        total = self.population_total.data
        if field.data is not None and total is not None and field.data > total:
            raise ValidationError(_("Women cannot outnumber the whole population."))


class HeadForm(SubForm):
    """Annex 2: the questions the head of the aiyl aimak answers himself or herself."""

    q1_council_rating = choice(_l("Q1. How do you rate the work of the council deputies? "
                                         "(5-point scale)"), RATINGS)
    q1_explanation = text_answer(_l("Please explain why you gave this rating"))
    q2_interaction_rating = choice(
        _l("Q2. Rate the interaction between the aiyl okmotu (mayor's office) and the local "
           "council (optional, 5-point scale)"), RATINGS, required=False)
    q2_explanation = text_answer(_l("Please explain your assessment of the interaction"))
    q3_deputies_rating = choice(_l("Q3. How active and competent are the council deputies? "
                                          "(5-point scale)"), RATINGS)
    q4_village_head_rating = choice(_l("Q4. How good and active is the work of the village "
                                              "head (айыл башчы)? (5-point scale)"), RATINGS)
    q5_population_rating = choice(_l("Q5. How active is the population of your aiyl aimak? "
                                            "(5-point scale)"), RATINGS)
    urgent_problems = FieldList(
        StringField(validators=[Optional(), Length(max=500)]),
        label=_l("Q6. The five most important and urgent problems of the aiyl aimak or town "
                 "that must be solved without delay"), min_entries=5, max_entries=5)
    q7_exchange = choice(_l("Q7. Do you organise experience exchanges with colleagues in "
                                   "your area, or take part in them in other municipalities?"),
                                YES_NO)
    q7_exchange_details = text_answer(
        _l("If so, describe them briefly: where, when, on what topic"), required=False)

    def validate_urgent_problems(self, field):
        if not any((entry.data or "").strip() for entry in field.entries):
            raise ValidationError(_("Name at least the most urgent problem."))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        details = self.q7_exchange_details
        if self.q7_exchange.data == "yes" and not (details.data or "").strip():
            details.errors = [*details.errors, _("Describe the experience exchanges: where, "
                                                 "when, on what topic.")]
            ok = False
        return ok
