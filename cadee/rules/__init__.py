"""The built-in rule catalog (spec section 11).

A plain registry filled by explicit imports: one module per rule, in catalog
order. Adding a rule means adding its module here.
"""

from __future__ import annotations

from cadee.rules import (
    fbk001_ai_fallback_to_human,
    fbk002_fallback_cycle,
    fbk003_fallback_shared_fate,
    fbk004_ai_call_timeout,
    iam001_boundary_crossing_auth,
    iam002_end_user_identity,
    iam003_boundary_identity_provider,
    arc001_gateway_mediation,
    arc002_ai_direct_record_access,
    arc003_environment_isolation,
    arc004_single_point_of_failure,
    arc005_orphan_system,
    arc006_channel_human_escalation,
    arc007_system_boundary,
    dat001_external_data_clearance,
    own001_system_owner,
    own002_blueprint_owner,
    own003_change_approver,
    own004_four_eyes,
    obs001_tier1_observability,
    obs002_runtime_oncall,
    evd001_required_evidence,
    evd002_kpi_baseline_target,
    evd003_decision_gates,
    wvr001_waiver_expired,
    wvr002_waiver_unused,
)
from cadee.rules.base import LAYERS, Rule

__all__ = ["LAYERS", "RULES", "Rule"]

#: Rule ID -> rule, in catalog order.
RULES: dict[str, Rule] = {
    module.RULE.id: module.RULE
    for module in (
        fbk001_ai_fallback_to_human,
        fbk002_fallback_cycle,
        fbk003_fallback_shared_fate,
        fbk004_ai_call_timeout,
        iam001_boundary_crossing_auth,
        iam002_end_user_identity,
        iam003_boundary_identity_provider,
        arc001_gateway_mediation,
        arc002_ai_direct_record_access,
        arc003_environment_isolation,
        arc004_single_point_of_failure,
        arc005_orphan_system,
        arc006_channel_human_escalation,
        arc007_system_boundary,
        dat001_external_data_clearance,
        own001_system_owner,
        own002_blueprint_owner,
        own003_change_approver,
        own004_four_eyes,
        obs001_tier1_observability,
        obs002_runtime_oncall,
        evd001_required_evidence,
        evd002_kpi_baseline_target,
        evd003_decision_gates,
        wvr001_waiver_expired,
        wvr002_waiver_unused,
    )
}
