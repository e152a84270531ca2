workspace "Northwind Bank AI customer service pilot" "Pilot of an AI assistant in web chat and the mobile app, built by the innovation lab on a hosted LLM, with a human desk for hand-offs." {

    model {
        group "Customers on the public internet" {
            pilot_web_chat = softwareSystem "Web chat (pilot widget)" {
                tags "channel" "tier-2"
                properties {
                    "cadee.id" "pilot-web-chat"
                    "cadee.kind" "channel"
                    "cadee.owner" "pilot-innovation-lab"
                    "cadee.boundary" "pilot-internet"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            pilot_mobile_app = softwareSystem "Mobile app assistant (pilot)" {
                tags "channel" "tier-2"
                properties {
                    "cadee.id" "pilot-mobile-app"
                    "cadee.kind" "channel"
                    "cadee.owner" "pilot-innovation-lab"
                    "cadee.boundary" "pilot-internet"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
        }
        group "Corporate network" {
            pilot_gateway = softwareSystem "Pilot API gateway" {
                tags "gateway" "tier-1"
                properties {
                    "cadee.id" "pilot-gateway"
                    "cadee.kind" "gateway"
                    "cadee.owner" "pilot-innovation-lab"
                    "cadee.boundary" "pilot-corporate"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            pilot_agent = softwareSystem "Pilot assistant agent" {
                tags "agent" "tier-2"
                properties {
                    "cadee.id" "pilot-agent"
                    "cadee.kind" "agent"
                    "cadee.owner" "pilot-innovation-lab"
                    "cadee.boundary" "pilot-corporate"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            pilot_onprem_llm = softwareSystem "On-prem LLM (lab GPU)" {
                tags "model" "tier-2"
                properties {
                    "cadee.id" "pilot-onprem-llm"
                    "cadee.kind" "model"
                    "cadee.owner" "pilot-innovation-lab"
                    "cadee.boundary" "pilot-corporate"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            pilot_small_llm = softwareSystem "Small on-prem LLM" {
                tags "model" "tier-2"
                properties {
                    "cadee.id" "pilot-small-llm"
                    "cadee.kind" "model"
                    "cadee.owner" "pilot-innovation-lab"
                    "cadee.boundary" "pilot-corporate"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            pilot_desk = person "Contact centre desk (pilot queue)" {
                tags "human-desk" "tier-2"
                properties {
                    "cadee.id" "pilot-desk"
                    "cadee.kind" "human-desk"
                    "cadee.owner" "pilot-cs-operations"
                    "cadee.boundary" "pilot-corporate"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            pilot_workforce_idp = softwareSystem "Workforce identity provider" {
                tags "identity-provider" "tier-2"
                properties {
                    "cadee.id" "pilot-workforce-idp"
                    "cadee.kind" "identity-provider"
                    "cadee.owner" "pilot-core-team"
                    "cadee.boundary" "pilot-corporate"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            pilot_legacy_faq_bot = softwareSystem "Legacy FAQ bot (2021)" {
                tags "service" "tier-2"
                properties {
                    "cadee.id" "pilot-legacy-faq-bot"
                    "cadee.kind" "service"
                    "cadee.boundary" "pilot-corporate"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
        }
        group "Innovation lab network" {
            pilot_sandbox_classifier = softwareSystem "Intent classifier (sandbox build)" {
                tags "model" "tier-2"
                properties {
                    "cadee.id" "pilot-sandbox-classifier"
                    "cadee.kind" "model"
                    "cadee.owner" "pilot-innovation-lab"
                    "cadee.boundary" "pilot-lab"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "sandbox"
                }
            }
        }
        group "Core banking zone" {
            pilot_core_banking = softwareSystem "Core banking platform" {
                tags "core-banking" "tier-1"
                properties {
                    "cadee.id" "pilot-core-banking"
                    "cadee.kind" "core-banking"
                    "cadee.owner" "pilot-core-team"
                    "cadee.boundary" "pilot-core"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            pilot_crm = softwareSystem "CRM" {
                tags "crm" "tier-1"
                properties {
                    "cadee.id" "pilot-crm"
                    "cadee.kind" "crm"
                    "cadee.owner" "pilot-core-team"
                    "cadee.boundary" "pilot-core"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
        }
        group "Hosted LLM vendor (trial contract)" {
            pilot_hosted_llm = softwareSystem "Hosted LLM (vendor trial)" {
                tags "model" "tier-2" "External"
                properties {
                    "cadee.id" "pilot-hosted-llm"
                    "cadee.kind" "model"
                    "cadee.owner" "pilot-innovation-lab"
                    "cadee.boundary" "pilot-llm-vendor"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                    "cadee.vendor" "Hosted LLM vendor"
                }
            }
        }
        pilot_knowledge_base = softwareSystem "FAQ knowledge base" {
            tags "service" "tier-2"
            properties {
                "cadee.id" "pilot-knowledge-base"
                "cadee.kind" "service"
                "cadee.owner" "pilot-cs-operations"
                "cadee.criticality" "tier-2"
                "cadee.environment" "production"
            }
        }

        pilot_web_chat -> pilot_gateway "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "pilot-web-chat->pilot-gateway"
                "cadee.auth" "oidc"
                "cadee.identity" "end-user"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
            }
        }
        pilot_gateway -> pilot_agent "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "pilot-gateway->pilot-agent"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "30000"
            }
        }
        pilot_gateway -> pilot_crm "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "pilot-gateway->pilot-crm"
                "cadee.auth" "api-key"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
            }
        }
        pilot_mobile_app -> pilot_crm "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "pilot-mobile-app->pilot-crm"
                "cadee.auth" "oauth2"
                "cadee.identity" "end-user"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
            }
        }
        pilot_agent -> pilot_core_banking "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "pilot-agent->pilot-core-banking"
                "cadee.auth" "service-account"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
            }
        }
        pilot_agent -> pilot_hosted_llm "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "pilot-agent->pilot-hosted-llm"
                "cadee.auth" "api-key"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
            }
        }
        pilot_agent -> pilot_onprem_llm "" "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "pilot-agent->pilot-onprem-llm"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "20000"
            }
        }
        pilot_agent -> pilot_sandbox_classifier "" "https" {
            tags "sync" "internal"
            properties {
                "cadee.id" "pilot-agent->pilot-sandbox-classifier"
                "cadee.auth" "none"
                "cadee.identity" "service"
                "cadee.data" "internal"
                "cadee.mode" "sync"
            }
        }
        pilot_agent -> pilot_knowledge_base "" "https" {
            tags "sync" "internal"
            properties {
                "cadee.id" "pilot-agent->pilot-knowledge-base"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "internal"
                "cadee.mode" "sync"
            }
        }
        pilot_agent -> pilot_desk "Hand-off to a person." "mq" {
            tags "async" "confidential"
            properties {
                "cadee.id" "pilot-agent->pilot-desk"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        pilot_desk -> pilot_agent "Agent-assist suggestions for human advisers." "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "pilot-agent-assist"
                "cadee.auth" "oidc"
                "cadee.identity" "end-user"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "10000"
            }
        }
        pilot_desk -> pilot_workforce_idp "" "https" {
            tags "sync" "internal"
            properties {
                "cadee.id" "pilot-desk->pilot-workforce-idp"
                "cadee.auth" "saml"
                "cadee.identity" "end-user"
                "cadee.data" "internal"
                "cadee.mode" "sync"
            }
        }
        pilot_agent -> pilot_desk "Fallback" {
            tags "fallback"
        }
        pilot_onprem_llm -> pilot_small_llm "Fallback" {
            tags "fallback"
        }
        pilot_small_llm -> pilot_onprem_llm "Fallback" {
            tags "fallback"
        }
    }

    views {
        systemLandscape "landscape" "Northwind Bank AI customer service pilot" {
            include *
            autolayout lr
        }

        styles {
            element "Software System" {
                background #1168bd
                color #ffffff
            }
            element "Person" {
                shape Person
                background #08427b
                color #ffffff
            }
            element "channel" {
                shape WebBrowser
            }
            element "data-store" {
                shape Cylinder
            }
            element "External" {
                background #8c8c8c
                color #ffffff
            }
            relationship "Relationship" {
                dashed false
            }
            relationship "async" {
                dashed true
            }
            relationship "fallback" {
                dashed true
                color #c0392b
            }
        }
    }
}
