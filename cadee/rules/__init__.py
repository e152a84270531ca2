"""The built-in rule catalog (spec section 11).

A plain registry filled by explicit imports: one module per rule, in catalog
order. Adding a rule means adding its module here.
"""

from __future__ import annotations

from cadee.rules.arc001_gateway_mediation import RULE as ARC001
from cadee.rules.arc002_ai_direct_record_access import RULE as ARC002
from cadee.rules.arc003_environment_isolation import RULE as ARC003
from cadee.rules.arc004_single_point_of_failure import RULE as ARC004
from cadee.rules.arc005_orphan_system import RULE as ARC005
from cadee.rules.arc006_channel_human_escalation import RULE as ARC006
from cadee.rules.arc007_system_boundary import RULE as ARC007
from cadee.rules.arc008_service_impact_tolerance import RULE as ARC008
from cadee.rules.base import LAYERS, Rule
from cadee.rules.dat001_external_data_clearance import RULE as DAT001
from cadee.rules.evd001_required_evidence import RULE as EVD001
from cadee.rules.evd002_kpi_baseline_target import RULE as EVD002
from cadee.rules.evd003_decision_gates import RULE as EVD003
from cadee.rules.evd004_gate_triggered import RULE as EVD004
from cadee.rules.evd005_kpi_measurements_current import RULE as EVD005
from cadee.rules.fbk001_ai_fallback_to_human import RULE as FBK001
from cadee.rules.fbk002_fallback_cycle import RULE as FBK002
from cadee.rules.fbk003_fallback_shared_fate import RULE as FBK003
from cadee.rules.fbk004_ai_call_timeout import RULE as FBK004
from cadee.rules.iam001_boundary_crossing_auth import RULE as IAM001
from cadee.rules.iam002_end_user_identity import RULE as IAM002
from cadee.rules.iam003_boundary_identity_provider import RULE as IAM003
from cadee.rules.obs001_tier1_observability import RULE as OBS001
from cadee.rules.obs002_runtime_oncall import RULE as OBS002
from cadee.rules.own001_system_owner import RULE as OWN001
from cadee.rules.own002_blueprint_owner import RULE as OWN002
from cadee.rules.own003_change_approver import RULE as OWN003
from cadee.rules.own004_four_eyes import RULE as OWN004
from cadee.rules.own005_architecture_sign_off import RULE as OWN005
from cadee.rules.wvr001_waiver_expired import RULE as WVR001
from cadee.rules.wvr002_waiver_unused import RULE as WVR002
from cadee.rules.wvr003_waiver_self_approval import RULE as WVR003
from cadee.rules.wvr004_waiver_lifetime import RULE as WVR004

__all__ = ["LAYERS", "RULES", "Rule"]

#: Rule ID -> rule, in catalog order.
RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        FBK001,
        FBK002,
        FBK003,
        FBK004,
        IAM001,
        IAM002,
        IAM003,
        ARC001,
        ARC002,
        ARC003,
        ARC004,
        ARC005,
        ARC006,
        ARC007,
        ARC008,
        DAT001,
        OWN001,
        OWN002,
        OWN003,
        OWN004,
        OWN005,
        OBS001,
        OBS002,
        EVD001,
        EVD002,
        EVD003,
        EVD004,
        EVD005,
        WVR001,
        WVR002,
        WVR003,
        WVR004,
    )
}
