"""Policies: the model (:mod:`.model`), the policy file (:mod:`.loader`) and the snapshot
identity the incident store keeps (:mod:`.snapshot`)."""

from slacli.policy.loader import load_policies, policies_from_document
from slacli.policy.model import (
    AvailabilityTarget,
    Due,
    EscalationLevel,
    Hint,
    MaintenanceRules,
    Policy,
    PolicySet,
    Severity,
    Target,
)

__all__ = [
    "AvailabilityTarget",
    "Due",
    "EscalationLevel",
    "Hint",
    "MaintenanceRules",
    "Policy",
    "PolicySet",
    "Severity",
    "Target",
    "load_policies",
    "policies_from_document",
]
