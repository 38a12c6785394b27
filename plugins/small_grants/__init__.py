"""Small grants: investment grants of up to 1,000,000 KGS to municipalities (aiyl okmotus and
mayor's offices) for projects on a priority their residents chose in participatory sessions,
public hearings or village gatherings.

The competition type (:mod:`.competition`) checks the caps, the co-financing share, the
12-month duration and the evidence of participatory priority-setting (:mod:`.evidence`: ЖМБА
sessions by age group, the vote tally per village computed into ranks and priorities, the focus
group, the joint action plan, the council resolution); the commission scores a 100-point rubric;
awards go to the best-scored applications within the call's envelope, at most two per
municipality.
"""

__version__ = "1.1"
