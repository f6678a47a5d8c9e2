"""The component catalogue: the one place that knows every kind, cohort and commissioner.

The ids here are part of the file contract (docs/file-format.md): new ones may be added,
none may ever be renamed. The palette, the layout, the rules and the printed legend all read
this module; nothing else lists kinds.
"""

from __future__ import annotations

from dataclasses import dataclass

COHORTS: dict[str, str] = {
    "adults": "Adults (18+)",
    "young_people": "Young people",
    "criminal_justice": "Criminal justice clients",
    "alcohol": "Alcohol only",
    "opiate": "Opiate and crack users",
    "complex_needs": "Complex needs",
    "families": "Families and carers",
    # NDTMS reports opiate, non-opiate, alcohol, and non-opiate and alcohol clients separately.
    "non_opiate": "Non-opiate drug users",
}

COMMISSIONERS: dict[str, str] = {
    "local_authority": "Local authority",
    "nhs": "NHS",
    "pcc": "Police and Crime Commissioner",
    "other": "Other",
}

# Stages are layout columns: 0 referral routes, 1-4 services, 5 exits.
ROUTE_STAGE = 0
EXIT_STAGE = 5
STAGE_NAMES: dict[int, str] = {
    0: "Referral routes",
    1: "Access and engagement",
    2: "Structured treatment",
    3: "Inpatient and residential",
    4: "Recovery",
    5: "Exits",
}

ADULT_COHORTS = ("adults", "criminal_justice", "alcohol", "opiate", "complex_needs")


@dataclass(frozen=True)
class Kind:
    id: str
    stage: int
    name: str
    default_cohorts: tuple[str, ...]
    default_commissioner: str
    colour: str  # fill colour on screen and on paper, readable with black text
    icon: str  # file stem under resources/icons/
    description: str

    @property
    def is_route(self) -> bool:
        return self.stage == ROUTE_STAGE

    @property
    def is_exit(self) -> bool:
        return self.stage == EXIT_STAGE

    @property
    def is_service(self) -> bool:
        return not (self.is_route or self.is_exit)


_ROUTE = "#dbe4ee"
_EXIT = "#e4e4e4"

_KINDS = [
    # Referral routes: where people come from; never procured.
    Kind("self_referral", 0, "Self-referral", ADULT_COHORTS + ("families",), "other", _ROUTE,
         "route-self", "People referring themselves, online, by phone or walk-in"),
    Kind("gp_referral", 0, "GP referral", ("adults", "alcohol", "opiate"), "nhs", _ROUTE,
         "route-gp", "Referral from general practice"),
    Kind("hospital_referral", 0, "Hospital referral", ("adults", "alcohol"), "nhs", _ROUTE,
         "route-hospital", "A&E, wards and alcohol care teams"),
    Kind("custody_court_referral", 0, "Custody and court referral", ("criminal_justice",),
         "pcc", _ROUTE, "route-custody",
         "Police custody testing, liaison and diversion, court treatment requirements (DRR/ATR)"),
    Kind("probation_referral", 0, "Probation referral", ("criminal_justice",), "other", _ROUTE,
         "route-probation", "Referral by the Probation Service"),
    Kind("prison_release", 0, "Prison release", ("criminal_justice", "opiate"), "nhs", _ROUTE,
         "route-prison", "People leaving prison who need continuity of care"),
    Kind("young_people_referral", 0, "Young people's referral", ("young_people",), "other",
         _ROUTE, "route-young-people", "Schools, youth justice, children's social care"),
    Kind("other_referral", 0, "Other referral", ("adults",), "other", _ROUTE, "route-other",
         "Any other referral route"),
    # Services: what is commissioned.
    Kind("access_hub", 1, "Access hub", ADULT_COHORTS + ("families",), "local_authority",
         "#fde6b3", "service-access", "Single point of contact, triage and assessment"),
    Kind("engagement_outreach", 1, "Engagement and outreach", ADULT_COHORTS, "local_authority",
         "#fdd49e", "service-outreach",
         "Assertive outreach and stabilisation for people not yet ready for treatment"),
    Kind("harm_reduction", 1, "Harm reduction", ("adults", "opiate", "complex_needs"),
         "local_authority", "#fcc5a0", "service-harm-reduction",
         "Needle and syringe programmes, take-home naloxone, blood-borne virus testing"),
    Kind("adult_treatment", 2, "Adult treatment", ("adults", "alcohol", "opiate",
         "criminal_justice", "complex_needs"), "local_authority", "#b9d7f0", "service-adult-treatment",
         "Structured community treatment: psychosocial work, prescribing, community withdrawal"),
    Kind("young_peoples_treatment", 2, "Young people's treatment", ("young_people",),
         "local_authority", "#c9e7c1", "service-young-people",
         "Specialist treatment service for young people"),
    Kind("criminal_justice_treatment", 2, "Criminal justice treatment", ("criminal_justice",
         "opiate"), "local_authority", "#d4c6ea", "service-criminal-justice",
         "Custody and court assessment, DRR/ATR delivery, prison leavers"),
    Kind("shared_care", 2, "Shared care", ("adults", "opiate"), "local_authority", "#c6e2ea",
         "service-shared-care", "GP prescribing and supervised consumption at pharmacies"),
    Kind("mental_health_liaison", 2, "Mental health liaison", ("adults", "complex_needs"),
         "nhs", "#e7d3e6", "service-mental-health",
         "Joint working for people with co-occurring mental health needs"),
    Kind("alcohol_care_team", 2, "Alcohol care team", ("alcohol",), "nhs", "#e9dcc4",
         "service-alcohol-care", "Hospital-based alcohol team (usually NHS-commissioned)"),
    Kind("inpatient_detox", 3, "Inpatient detox", ("adults", "alcohol", "opiate",
         "criminal_justice"), "local_authority", "#f4bcbc", "service-detox",
         "Medically managed withdrawal with 24-hour cover (tier 4)"),
    Kind("residential_rehab", 3, "Residential rehab", ("adults", "alcohol", "opiate",
         "criminal_justice"), "local_authority", "#f2c9d9", "service-rehab",
         "Residential psychosocial programme (tier 4), often spot-purchased"),
    Kind("recovery_service", 4, "Recovery service", ADULT_COHORTS + ("young_people",
         "families"), "local_authority", "#cfe8d5", "service-recovery",
         "Recovery community, peer mentors, mutual aid, lived experience organisations"),
    Kind("employment_support", 4, "Employment support", ("adults", "alcohol", "opiate",
         "criminal_justice"), "other", "#dfeccb", "service-employment",
         "Individual placement and support (IPS) into work"),
    Kind("family_support", 4, "Family support", ("families",), "local_authority", "#e8e2c4",
         "service-family", "Support for families and carers"),
    Kind("other_service", 2, "Other service", ("adults",), "local_authority", "#e3e3ec",
         "service-other", "Any other service"),
    # Exits.
    Kind("exit", 5, "Exit", (), "other", _EXIT, "exit",
         "Leaving the system: completed treatment, moved away, into employment"),
]

KINDS: dict[str, Kind] = {k.id: k for k in _KINDS}

# Roles the coverage rules reason about, named once here.
STRUCTURED_TREATMENT = frozenset(
    {"adult_treatment", "young_peoples_treatment", "criminal_justice_treatment", "shared_care",
     "inpatient_detox", "residential_rehab"})
COMMUNITY_TREATMENT = frozenset({"adult_treatment", "criminal_justice_treatment", "shared_care"})
TIER4 = frozenset({"inpatient_detox", "residential_rehab"})
TIER4_AFTERCARE = frozenset({"residential_rehab", "adult_treatment", "criminal_justice_treatment",
                             "shared_care", "recovery_service", "employment_support",
                             "family_support"})
# Families and carers are not treated themselves: their "treatment" is family support.
COHORT_TREATMENT: dict[str, frozenset[str]] = {"families": frozenset({"family_support"})}
CJ_ROUTES = frozenset({"custody_court_referral", "probation_referral"})
# Services that exist for one cohort: money restricted to that cohort pays for these where the
# model has them (adult treatment serves criminal justice clients too, but PCC and probation
# money pays for the criminal justice caseload work).
COHORT_SERVICES: dict[str, frozenset[str]] = {
    "criminal_justice": frozenset({"criminal_justice_treatment"}),
    "young_people": frozenset({"young_peoples_treatment"}),
    "complex_needs": frozenset({"engagement_outreach"}),
    "families": frozenset({"family_support"}),
}
# Where a service without a base of its own is still present in a locality: outreach works
# there, GP surgeries and community pharmacies give shared care (locality-gap).
PRESENCE_KINDS = frozenset({"engagement_outreach", "shared_care"})
RECOVERY_STAGE = 4

CORE_SERVICES: tuple[str, ...] = (
    "adult_treatment", "young_peoples_treatment", "criminal_justice_treatment",
    "recovery_service", "inpatient_detox", "residential_rehab")

PRICING_MODELS: dict[str, str] = {
    "block": "Block contract",
    "cost_and_volume": "Cost and volume",
    "cost_per_case": "Cost per case",
    "payment_by_results": "Payment by results",
    "hybrid": "Hybrid",
}
PAYMENT_BASES: dict[str, str] = {"outcome": "Outcome-based", "output": "Output-based"}
PROCUREMENT_ROUTES: dict[str, str] = {
    "direct_award_a": "PSR direct award A",
    "direct_award_b": "PSR direct award B",
    "direct_award_c": "PSR direct award C",
    "most_suitable_provider": "PSR most suitable provider",
    "competitive_process": "PSR competitive process",
    # Tenders begun before the PSR (1 January 2024) ran under the Public Contracts Regulations
    # 2015 light-touch regime (Leicestershire 2021, Luton's first tender of 2023).
    "pcr_2015_light_touch": "PCR 2015 light-touch regime",
    # The Procurement Act 2023 (from 24 February 2025) for what the PSR does not cover.
    "pa23_open": "Procurement Act 2023 open procedure",
    "pa23_competitive_flexible": "Procurement Act 2023 competitive flexible procedure",
    "pa23_direct_award": "Procurement Act 2023 direct award",
    "framework_call_off": "Call-off from a framework",
    "dps_spot_purchase": "Dynamic purchasing system or spot purchase (tier 4)",
    "grant_agreement": "Grant agreement",
    "section_75": "Section 75 partnership agreement (NHS Act 2006)",
}
# Timeline stages in the order they must happen; "other" milestones are not ordered.
MILESTONE_STAGES: dict[str, str] = {
    "decision": "Decision to commission",
    "market_engagement": "Market engagement",
    "notice": "Notice published",
    "bids_due": "Bids due",
    "evaluation": "Evaluation",
    "award": "Award decision",
    "standstill": "Standstill ends",
    "mobilisation": "Mobilisation begins",
    "start": "Service starts",
    "other": "Other",
}
KPI_FREQUENCIES: dict[str, str] = {
    "monthly": "Monthly", "quarterly": "Quarterly", "six_monthly": "Six-monthly",
    "annually": "Annually"}

# Lot colours and patterns in plan order: distinct for colour-blind readers (Okabe-Ito based,
# lightened for tints) and each paired with its own hatch so greyscale prints still separate them.
LOT_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442",
               "#000000")
LOT_PATTERNS = ("diagonal", "cross", "horizontal", "vertical", "dots", "grid", "back_diagonal",
                "dense")


def treatment_kinds_for(cohort: str) -> frozenset[str]:
    return COHORT_TREATMENT.get(cohort, STRUCTURED_TREATMENT)


def kind(kind_id: str) -> Kind:
    return KINDS[kind_id]


def kinds_in_stage(stage: int) -> list[Kind]:
    return [k for k in _KINDS if k.stage == stage]


def stage_group(k: Kind) -> str:
    """The palette group a kind belongs to."""
    if k.is_route:
        return "Referral routes"
    if k.is_exit:
        return "Exits"
    return "Services"


def default_lot_style(index: int) -> tuple[str, str, str]:
    """Colour, pattern and short code for the lot at `index` in its plan."""
    return (LOT_COLOURS[index % len(LOT_COLOURS)], LOT_PATTERNS[index % len(LOT_PATTERNS)],
            f"L{index + 1}")
