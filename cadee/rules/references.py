"""Control references (spec section 12): verified anchors only."""

from __future__ import annotations

EU_AI_ACT_ART_14 = "EU AI Act (Regulation (EU) 2024/1689) Art. 14, human oversight"
EU_AI_ACT_ART_12 = "EU AI Act (Regulation (EU) 2024/1689) Art. 12, record-keeping"
EU_AI_ACT_ART_9 = "EU AI Act (Regulation (EU) 2024/1689) Art. 9, risk management system"
DORA_ART_5 = "DORA (Regulation (EU) 2022/2554) Art. 5, governance and organisation"
DORA_ART_6 = "DORA (Regulation (EU) 2022/2554) Art. 6, ICT risk management framework"
DORA_ART_8 = "DORA (Regulation (EU) 2022/2554) Art. 8, identification"
DORA_ART_9 = "DORA (Regulation (EU) 2022/2554) Art. 9, protection and prevention"
DORA_ART_10 = "DORA (Regulation (EU) 2022/2554) Art. 10, detection"
DORA_ART_11 = "DORA (Regulation (EU) 2022/2554) Art. 11, response and recovery"
DORA_ART_28 = "DORA (Regulation (EU) 2022/2554) Art. 28, ICT third-party risk"
GDPR_ART_28 = "GDPR (Regulation (EU) 2016/679) Art. 28, processors"
NIST_AI_RMF_MANAGE = "NIST AI RMF 1.0, MANAGE"
NIST_AI_RMF_GOVERN = "NIST AI RMF 1.0, GOVERN"
NIST_AI_RMF_MEASURE = "NIST AI RMF 1.0, MEASURE"
DORA_ART_12 = "DORA (Regulation (EU) 2022/2554) Art. 12, backup policies and recovery methods"
