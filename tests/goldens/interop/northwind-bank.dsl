workspace "Northwind Bank AI customer service" "AI-assisted customer service for Northwind Bank's retail customers across web chat, the mobile app, the conversational IVR, e-mail and WhatsApp. Triage, payments and disputes agents work through the AI gateway; every AI component falls back to a human desk (contact centre, fraud or complaints)." {

    model {
        group "Customers on the public internet and phone network" {
            nw_web_chat = softwareSystem "Web chat" "Chat widget on northwind-bank.example and in online banking." {
                tags "channel" "tier-2"
                properties {
                    "cadee.id" "nw-web-chat"
                    "cadee.kind" "channel"
                    "cadee.owner" "nw-digital-channels"
                    "cadee.boundary" "nw-internet"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_mobile_app = softwareSystem "Mobile banking app assistant" "In-app assistant in the iOS and Android apps." {
                tags "channel" "tier-2"
                properties {
                    "cadee.id" "nw-mobile-app"
                    "cadee.kind" "channel"
                    "cadee.owner" "nw-digital-channels"
                    "cadee.boundary" "nw-internet"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_voice_ivr = softwareSystem "Conversational IVR" "Speech-driven IVR on the customer service number 0800 NORTHWIND." {
                tags "channel" "tier-2"
                properties {
                    "cadee.id" "nw-voice-ivr"
                    "cadee.kind" "channel"
                    "cadee.owner" "nw-contact-centre-tech"
                    "cadee.boundary" "nw-internet"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_email = softwareSystem "Customer service e-mail" "help@northwind-bank.example, relayed by the bank's secure mail gateway." {
                tags "channel" "tier-2"
                properties {
                    "cadee.id" "nw-email"
                    "cadee.kind" "channel"
                    "cadee.owner" "nw-digital-channels"
                    "cadee.boundary" "nw-internet"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_whatsapp = softwareSystem "WhatsApp Business" "Verified WhatsApp Business account for servicing conversations." {
                tags "channel" "tier-2"
                properties {
                    "cadee.id" "nw-whatsapp"
                    "cadee.kind" "channel"
                    "cadee.owner" "nw-digital-channels"
                    "cadee.boundary" "nw-internet"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                    "cadee.vendor" "Meta WhatsApp Business Platform"
                }
            }
        }
        group "Edge zone (gateways, channel ingestion)" {
            nw_email_ingest = softwareSystem "E-mail ingestion service" "Parses inbound e-mail, strips malware, stores attachments, forwards to the AI gateway." {
                tags "service" "tier-2"
                properties {
                    "cadee.id" "nw-email-ingest"
                    "cadee.kind" "service"
                    "cadee.owner" "nw-digital-channels"
                    "cadee.boundary" "nw-edge"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_telephony_acd = softwareSystem "Telephony and call distribution (ACD)" "SIP trunks, call recording and skills-based routing of calls to human desks." {
                tags "service" "tier-1"
                properties {
                    "cadee.id" "nw-telephony-acd"
                    "cadee.kind" "service"
                    "cadee.owner" "nw-contact-centre-tech"
                    "cadee.boundary" "nw-edge"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_customer_ciam = softwareSystem "Customer identity (CIAM)" "Customer sign-in for web, app and voice (OIDC, passkeys, app push and OTP step-up, voice PIN)." {
                tags "identity-provider" "tier-1"
                properties {
                    "cadee.id" "nw-customer-ciam"
                    "cadee.kind" "identity-provider"
                    "cadee.owner" "nw-iam"
                    "cadee.boundary" "nw-edge"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_ai_gateway = softwareSystem "AI gateway" "The controlled path for every AI request: authenticates customers, applies guardrails, routes between models and agents, forwards tool calls to the API gateway and writes every decision to the audit log." {
                tags "gateway" "tier-1"
                properties {
                    "cadee.id" "nw-ai-gateway"
                    "cadee.kind" "gateway"
                    "cadee.owner" "nw-ai-platform"
                    "cadee.boundary" "nw-edge"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_guardrails = softwareSystem "Guardrails and PII masking service" "Prompt-injection detection, PII masking, topic and tone policies." {
                tags "service" "tier-1"
                properties {
                    "cadee.id" "nw-guardrails"
                    "cadee.kind" "service"
                    "cadee.owner" "nw-ai-platform"
                    "cadee.boundary" "nw-edge"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
        }
        group "AI platform zone (agents, on-prem models, retrieval)" {
            nw_prompt_registry = softwareSystem "Prompt and routing registry" "Versioned, approved prompts and model-routing rules." {
                tags "service" "tier-2"
                properties {
                    "cadee.id" "nw-prompt-registry"
                    "cadee.kind" "service"
                    "cadee.owner" "nw-ai-platform"
                    "cadee.boundary" "nw-ai-zone"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_triage_agent = softwareSystem "Triage agent" "Greets, identifies intent, answers FAQs and hands over to specialist agents or people." {
                tags "agent" "tier-1"
                properties {
                    "cadee.id" "nw-triage-agent"
                    "cadee.kind" "agent"
                    "cadee.owner" "nw-ai-platform"
                    "cadee.boundary" "nw-ai-zone"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_payments_agent = softwareSystem "Payments agent" "Payment status, standing orders, payee management (with fraud step-up)." {
                tags "agent" "tier-1"
                properties {
                    "cadee.id" "nw-payments-agent"
                    "cadee.kind" "agent"
                    "cadee.owner" "nw-ai-platform"
                    "cadee.boundary" "nw-ai-zone"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_disputes_agent = softwareSystem "Disputes agent" "Card disputes and chargebacks, complaint intake with case creation." {
                tags "agent" "tier-1"
                properties {
                    "cadee.id" "nw-disputes-agent"
                    "cadee.kind" "agent"
                    "cadee.owner" "nw-ai-platform"
                    "cadee.boundary" "nw-ai-zone"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_llm_onprem = softwareSystem "On-prem LLM (open-weight)" "Served on Northwind GPUs; failover model and primary for restricted topics." {
                tags "model" "tier-2"
                properties {
                    "cadee.id" "nw-llm-onprem"
                    "cadee.kind" "model"
                    "cadee.owner" "nw-ai-platform"
                    "cadee.boundary" "nw-ai-zone"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_intent_classifier = softwareSystem "Intent classifier" "Fine-tuned classifier for 140 servicing intents; routes to agents or desks." {
                tags "model" "tier-2"
                properties {
                    "cadee.id" "nw-intent-classifier"
                    "cadee.kind" "model"
                    "cadee.owner" "nw-ai-platform"
                    "cadee.boundary" "nw-ai-zone"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_embedding_model = softwareSystem "Embedding model" "Sentence embeddings for retrieval over the knowledge base." {
                tags "model" "tier-2"
                properties {
                    "cadee.id" "nw-embedding-model"
                    "cadee.kind" "model"
                    "cadee.owner" "nw-ai-platform"
                    "cadee.boundary" "nw-ai-zone"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_speech_to_text = softwareSystem "Speech-to-text" "Streaming transcription for the IVR (on-prem, UK and EU accents tuned)." {
                tags "model" "tier-2"
                properties {
                    "cadee.id" "nw-speech-to-text"
                    "cadee.kind" "model"
                    "cadee.owner" "nw-contact-centre-tech"
                    "cadee.boundary" "nw-ai-zone"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_text_to_speech = softwareSystem "Text-to-speech" "Neural voice for IVR responses." {
                tags "model" "tier-2"
                properties {
                    "cadee.id" "nw-text-to-speech"
                    "cadee.kind" "model"
                    "cadee.owner" "nw-contact-centre-tech"
                    "cadee.boundary" "nw-ai-zone"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_knowledge_base = softwareSystem "Knowledge base" "Approved product terms, policies, fees and servicing procedures." {
                tags "service" "tier-2"
                properties {
                    "cadee.id" "nw-knowledge-base"
                    "cadee.kind" "service"
                    "cadee.owner" "nw-cs-operations"
                    "cadee.boundary" "nw-ai-zone"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_vector_store = softwareSystem "Vector store" "Embeddings of knowledge-base content (no customer data)." {
                tags "data-store" "tier-2"
                properties {
                    "cadee.id" "nw-vector-store"
                    "cadee.kind" "data-store"
                    "cadee.owner" "nw-ai-platform"
                    "cadee.boundary" "nw-ai-zone"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_conversation_store = softwareSystem "Conversation store" "Transcripts, summaries and outcomes, 7-year retention." {
                tags "data-store" "tier-2"
                properties {
                    "cadee.id" "nw-conversation-store"
                    "cadee.kind" "data-store"
                    "cadee.owner" "nw-data-office"
                    "cadee.boundary" "nw-ai-zone"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
        }
        group "Corporate network (desks, operations tooling)" {
            nw_workforce_idp = softwareSystem "Workforce identity provider" "Employee SSO (SAML, OIDC) with phishing-resistant MFA." {
                tags "identity-provider" "tier-1"
                properties {
                    "cadee.id" "nw-workforce-idp"
                    "cadee.kind" "identity-provider"
                    "cadee.owner" "nw-iam"
                    "cadee.boundary" "nw-corporate"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_api_gateway = softwareSystem "Internal API gateway" "Policy enforcement point in front of the systems of record and payments." {
                tags "gateway" "tier-1"
                properties {
                    "cadee.id" "nw-api-gateway"
                    "cadee.kind" "gateway"
                    "cadee.owner" "nw-integration-team"
                    "cadee.boundary" "nw-corporate"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_contact_centre_desk = person "Contact centre desk" "Adviser cockpit for chat, app, e-mail, WhatsApp and voice hand-offs, with transcript, intent and AI summary." {
                tags "human-desk" "tier-1"
                properties {
                    "cadee.id" "nw-contact-centre-desk"
                    "cadee.kind" "human-desk"
                    "cadee.owner" "nw-cs-operations"
                    "cadee.boundary" "nw-corporate"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_fraud_desk = person "Fraud desk" "Fraud and scam specialists (24x7), including APP-fraud hand-offs." {
                tags "human-desk" "tier-1"
                properties {
                    "cadee.id" "nw-fraud-desk"
                    "cadee.kind" "human-desk"
                    "cadee.owner" "nw-fraud-ops"
                    "cadee.boundary" "nw-corporate"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_complaints_desk = person "Complaints desk" "Complaint handlers; regulatory response deadlines tracked in case management." {
                tags "human-desk" "tier-2"
                properties {
                    "cadee.id" "nw-complaints-desk"
                    "cadee.kind" "human-desk"
                    "cadee.owner" "nw-complaints-ops"
                    "cadee.boundary" "nw-corporate"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_monitoring = softwareSystem "Observability platform" "Metrics, logs and traces (OpenTelemetry), SLO alerting." {
                tags "service" "tier-2"
                properties {
                    "cadee.id" "nw-monitoring"
                    "cadee.kind" "service"
                    "cadee.owner" "nw-sre"
                    "cadee.boundary" "nw-corporate"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_siem = softwareSystem "SIEM" "Security event correlation and alerting." {
                tags "service" "tier-2"
                properties {
                    "cadee.id" "nw-siem"
                    "cadee.kind" "service"
                    "cadee.owner" "nw-security"
                    "cadee.boundary" "nw-corporate"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_data_warehouse = softwareSystem "Analytics warehouse" "KPI reporting (FCR, AHT, CSAT, containment) and model evaluation sets." {
                tags "data-store" "tier-2"
                properties {
                    "cadee.id" "nw-data-warehouse"
                    "cadee.kind" "data-store"
                    "cadee.owner" "nw-data-office"
                    "cadee.boundary" "nw-corporate"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_csat_survey = softwareSystem "CSAT survey service" "Post-contact surveys (chat, app, SMS after calls)." {
                tags "service" "tier-2"
                properties {
                    "cadee.id" "nw-csat-survey"
                    "cadee.kind" "service"
                    "cadee.owner" "nw-customer-advisory"
                    "cadee.boundary" "nw-corporate"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                    "cadee.vendor" "Survey platform (EU hosting, processor)"
                }
            }
        }
        group "Core zone (systems of record, audit)" {
            nw_sts = softwareSystem "Security token service" "OAuth 2.0 token exchange (RFC 8693): turns a customer's token into a narrowly scoped on-behalf-of token for calls into the core zone." {
                tags "identity-provider" "tier-1"
                properties {
                    "cadee.id" "nw-sts"
                    "cadee.kind" "identity-provider"
                    "cadee.owner" "nw-iam"
                    "cadee.boundary" "nw-core"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_core_banking = softwareSystem "Core banking platform" "Current and savings accounts, balances, transactions, standing orders." {
                tags "core-banking" "tier-1"
                properties {
                    "cadee.id" "nw-core-banking"
                    "cadee.kind" "core-banking"
                    "cadee.owner" "nw-core-banking-team"
                    "cadee.boundary" "nw-core"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_cards_platform = softwareSystem "Cards platform" "Debit and credit card accounts, card status, limits, chargebacks." {
                tags "core-banking" "tier-1"
                properties {
                    "cadee.id" "nw-cards-platform"
                    "cadee.kind" "core-banking"
                    "cadee.owner" "nw-cards-team"
                    "cadee.boundary" "nw-core"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_crm = softwareSystem "CRM" "Customer profile, vulnerability flags, consents, contact history." {
                tags "crm" "tier-1"
                properties {
                    "cadee.id" "nw-crm"
                    "cadee.kind" "crm"
                    "cadee.owner" "nw-crm-team"
                    "cadee.boundary" "nw-core"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_fraud_decisioning = softwareSystem "Fraud decisioning" "Real-time fraud and scam scoring; step-up and hold decisions." {
                tags "risk" "tier-1"
                properties {
                    "cadee.id" "nw-fraud-decisioning"
                    "cadee.kind" "risk"
                    "cadee.owner" "nw-fraud-risk"
                    "cadee.boundary" "nw-core"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_aml_screening = softwareSystem "AML and sanctions screening" "Payment and payee screening against sanctions and PEP lists." {
                tags "risk" "tier-1"
                properties {
                    "cadee.id" "nw-aml-screening"
                    "cadee.kind" "risk"
                    "cadee.owner" "nw-fincrime-compliance"
                    "cadee.boundary" "nw-core"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_credit_decisioning = softwareSystem "Credit decisioning" "Overdraft and credit-limit decisions with affordability checks." {
                tags "risk" "tier-2"
                properties {
                    "cadee.id" "nw-credit-decisioning"
                    "cadee.kind" "risk"
                    "cadee.owner" "nw-credit-risk"
                    "cadee.boundary" "nw-core"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_payments_hub = softwareSystem "Payments hub" "Faster Payments, SEPA and internal transfers (ISO 20022)." {
                tags "service" "tier-1"
                properties {
                    "cadee.id" "nw-payments-hub"
                    "cadee.kind" "service"
                    "cadee.owner" "nw-payments-team"
                    "cadee.boundary" "nw-core"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_case_management = softwareSystem "Case management" "Disputes, complaints and service cases with regulatory clocks." {
                tags "service" "tier-2"
                properties {
                    "cadee.id" "nw-case-management"
                    "cadee.kind" "service"
                    "cadee.owner" "nw-crm-team"
                    "cadee.boundary" "nw-core"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_document_store = softwareSystem "Document store" "Customer documents, statements, e-mail attachments (WORM where required)." {
                tags "data-store" "tier-2"
                properties {
                    "cadee.id" "nw-document-store"
                    "cadee.kind" "data-store"
                    "cadee.owner" "nw-crm-team"
                    "cadee.boundary" "nw-core"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                }
            }
            nw_event_bus = softwareSystem "Enterprise event bus" "Kafka cluster for account, card, payment and case events." {
                tags "data-store" "tier-1"
                properties {
                    "cadee.id" "nw-event-bus"
                    "cadee.kind" "data-store"
                    "cadee.owner" "nw-integration-team"
                    "cadee.boundary" "nw-core"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
            nw_audit_log = softwareSystem "Audit log" "Append-only (WORM) record of AI and API decisions, 7-year retention." {
                tags "data-store" "tier-1"
                properties {
                    "cadee.id" "nw-audit-log"
                    "cadee.kind" "data-store"
                    "cadee.owner" "nw-compliance"
                    "cadee.boundary" "nw-core"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                }
            }
        }
        group "Hosted LLM vendor (EU data zone)" {
            nw_llm_hosted_large = softwareSystem "Hosted LLM, large (vendor, EU data zone)" "Reasoning and drafting for the agents." {
                tags "model" "tier-1" "External"
                properties {
                    "cadee.id" "nw-llm-hosted-large"
                    "cadee.kind" "model"
                    "cadee.owner" "nw-ai-platform"
                    "cadee.boundary" "nw-llm-vendor"
                    "cadee.criticality" "tier-1"
                    "cadee.environment" "production"
                    "cadee.vendor" "Hosted LLM vendor (EU data zone)"
                }
            }
            nw_llm_hosted_small = softwareSystem "Hosted LLM, small (vendor, EU data zone)" "Low-latency model for summaries and short answers." {
                tags "model" "tier-2" "External"
                properties {
                    "cadee.id" "nw-llm-hosted-small"
                    "cadee.kind" "model"
                    "cadee.owner" "nw-ai-platform"
                    "cadee.boundary" "nw-llm-vendor"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                    "cadee.vendor" "Hosted LLM vendor (EU data zone)"
                }
            }
        }
        group "WhatsApp Business Solution Provider" {
            nw_whatsapp_bsp = softwareSystem "WhatsApp Business Solution Provider" "Delivers WhatsApp messages to and from the AI gateway (webhooks)." {
                tags "external" "tier-2" "External"
                properties {
                    "cadee.id" "nw-whatsapp-bsp"
                    "cadee.kind" "external"
                    "cadee.owner" "nw-digital-channels"
                    "cadee.boundary" "nw-messaging-vendor"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                    "cadee.vendor" "Messaging BSP (EU hosting)"
                }
            }
        }
        group "Credit reference agency" {
            nw_credit_bureau = softwareSystem "Credit reference agency API" "Credit file and affordability data for credit decisions." {
                tags "external" "tier-2" "External"
                properties {
                    "cadee.id" "nw-credit-bureau"
                    "cadee.kind" "external"
                    "cadee.owner" "nw-credit-risk"
                    "cadee.boundary" "nw-credit-bureau-zone"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                    "cadee.vendor" "Credit reference agency"
                }
            }
        }
        group "Sanctions and PEP list provider" {
            nw_sanctions_lists = softwareSystem "Sanctions and PEP list feed" "Daily consolidated sanctions, PEP and adverse-media lists." {
                tags "external" "tier-2" "External"
                properties {
                    "cadee.id" "nw-sanctions-lists"
                    "cadee.kind" "external"
                    "cadee.owner" "nw-fincrime-compliance"
                    "cadee.boundary" "nw-screening-vendor"
                    "cadee.criticality" "tier-2"
                    "cadee.environment" "production"
                    "cadee.vendor" "Screening data provider"
                }
            }
        }

        nw_web_chat -> nw_customer_ciam "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-web-chat->nw-customer-ciam"
                "cadee.auth" "oidc"
                "cadee.identity" "end-user"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
            }
        }
        nw_mobile_app -> nw_customer_ciam "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-mobile-app->nw-customer-ciam"
                "cadee.auth" "oidc"
                "cadee.identity" "end-user"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
            }
        }
        nw_voice_ivr -> nw_customer_ciam "Caller verification (voice PIN, app push) for a customer token." "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-voice-ivr->nw-customer-ciam"
                "cadee.auth" "mtls"
                "cadee.identity" "end-user"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
            }
        }
        nw_web_chat -> nw_ai_gateway "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-web-chat->nw-ai-gateway"
                "cadee.auth" "oidc"
                "cadee.identity" "end-user"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "30000"
            }
        }
        nw_mobile_app -> nw_ai_gateway "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-mobile-app->nw-ai-gateway"
                "cadee.auth" "oidc"
                "cadee.identity" "end-user"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "30000"
            }
        }
        nw_voice_ivr -> nw_ai_gateway "Streaming caller audio for speech-to-text and the triage agent." "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-voice-ivr->nw-ai-gateway"
                "cadee.auth" "mtls"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "8000"
            }
        }
        nw_email -> nw_email_ingest "SMTP from the secure mail relay over mutually authenticated TLS." "smtp" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-email->nw-email-ingest"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
            }
        }
        nw_email_ingest -> nw_ai_gateway "Parsed e-mails; the sender is unverified until the customer completes step-up through a one-time link." "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-email-ingest->nw-ai-gateway"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "10000"
            }
        }
        nw_email_ingest -> nw_document_store "Attachments (statements, ID documents) after malware scanning." "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-email-ingest->nw-document-store"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "10000"
            }
        }
        nw_whatsapp -> nw_whatsapp_bsp "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-whatsapp->nw-whatsapp-bsp"
                "cadee.auth" "oauth2"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "5000"
            }
        }
        nw_whatsapp_bsp -> nw_ai_gateway "Inbound message webhooks (signed)." "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-whatsapp-bsp->nw-ai-gateway"
                "cadee.auth" "jwt"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "10000"
            }
        }
        nw_ai_gateway -> nw_whatsapp_bsp "Outbound replies and templates." "https" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-whatsapp-bsp"
                "cadee.auth" "api-key"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_voice_ivr -> nw_telephony_acd "Transfer to a human (caller asks for an adviser, or AI escalation)." "sip" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-voice-ivr->nw-telephony-acd"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
            }
        }
        nw_telephony_acd -> nw_contact_centre_desk "" "sip" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-telephony-acd->nw-contact-centre-desk"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
            }
        }
        nw_telephony_acd -> nw_fraud_desk "" "sip" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-telephony-acd->nw-fraud-desk"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
            }
        }
        nw_customer_ciam -> nw_siem "Authentication events and risk signals." "kafka" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-customer-ciam->nw-siem"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_workforce_idp -> nw_siem "Employee sign-in events." "kafka" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-workforce-idp->nw-siem"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_ai_gateway -> nw_customer_ciam "Token introspection and step-up challenges." "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-customer-ciam"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "2000"
            }
        }
        nw_ai_gateway -> nw_sts "Token exchange for on-behalf-of tool calls." "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-sts"
                "cadee.auth" "mtls"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "1000"
            }
        }
        nw_ai_gateway -> nw_guardrails "" "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-guardrails"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "500"
            }
        }
        nw_ai_gateway -> nw_prompt_registry "" "https" {
            tags "sync" "internal"
            properties {
                "cadee.id" "nw-ai-gateway->nw-prompt-registry"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "internal"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "1000"
            }
        }
        nw_ai_gateway -> nw_intent_classifier "" "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-intent-classifier"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "400"
            }
        }
        nw_ai_gateway -> nw_triage_agent "" "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-triage-agent"
                "cadee.auth" "mtls"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "25000"
            }
        }
        nw_ai_gateway -> nw_payments_agent "" "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-payments-agent"
                "cadee.auth" "mtls"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "25000"
            }
        }
        nw_ai_gateway -> nw_disputes_agent "" "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-disputes-agent"
                "cadee.auth" "mtls"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "25000"
            }
        }
        nw_ai_gateway -> nw_llm_hosted_large "Masked prompts (guardrails run first)." "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-llm-hosted-large"
                "cadee.auth" "oauth2"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "20000"
            }
        }
        nw_ai_gateway -> nw_llm_hosted_small "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-llm-hosted-small"
                "cadee.auth" "oauth2"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "8000"
            }
        }
        nw_ai_gateway -> nw_llm_onprem "" "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-llm-onprem"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "20000"
            }
        }
        nw_ai_gateway -> nw_speech_to_text "" "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-speech-to-text"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "3000"
            }
        }
        nw_ai_gateway -> nw_text_to_speech "" "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-text-to-speech"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "3000"
            }
        }
        nw_triage_agent -> nw_ai_gateway "Model completions, tool calls and hand-over to specialist agents." "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-triage-agent->nw-ai-gateway"
                "cadee.auth" "mtls"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "20000"
            }
        }
        nw_payments_agent -> nw_ai_gateway "" "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-payments-agent->nw-ai-gateway"
                "cadee.auth" "mtls"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "20000"
            }
        }
        nw_disputes_agent -> nw_ai_gateway "" "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-disputes-agent->nw-ai-gateway"
                "cadee.auth" "mtls"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "20000"
            }
        }
        nw_triage_agent -> nw_knowledge_base "" "https" {
            tags "sync" "internal"
            properties {
                "cadee.id" "nw-triage-agent->nw-knowledge-base"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "internal"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "2000"
            }
        }
        nw_payments_agent -> nw_knowledge_base "" "https" {
            tags "sync" "internal"
            properties {
                "cadee.id" "nw-payments-agent->nw-knowledge-base"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "internal"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "2000"
            }
        }
        nw_disputes_agent -> nw_knowledge_base "" "https" {
            tags "sync" "internal"
            properties {
                "cadee.id" "nw-disputes-agent->nw-knowledge-base"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "internal"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "2000"
            }
        }
        nw_knowledge_base -> nw_embedding_model "" "grpc" {
            tags "sync" "internal"
            properties {
                "cadee.id" "nw-knowledge-base->nw-embedding-model"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "internal"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "800"
            }
        }
        nw_knowledge_base -> nw_vector_store "" "grpc" {
            tags "sync" "internal"
            properties {
                "cadee.id" "nw-knowledge-base->nw-vector-store"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "internal"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "800"
            }
        }
        nw_triage_agent -> nw_contact_centre_desk "Hand-off with transcript, intent and summary." "mq" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-triage-agent->nw-contact-centre-desk"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_payments_agent -> nw_fraud_desk "Suspected scam or APP fraud hand-off." "mq" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-payments-agent->nw-fraud-desk"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_payments_agent -> nw_contact_centre_desk "" "mq" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-payments-agent->nw-contact-centre-desk"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_disputes_agent -> nw_complaints_desk "Complaint hand-off (regulatory clock starts at first contact)." "mq" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-disputes-agent->nw-complaints-desk"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_ai_gateway -> nw_api_gateway "Tool calls into systems of record with the customer's exchanged token." "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-api-gateway"
                "cadee.auth" "oauth2"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "5000"
            }
        }
        nw_ai_gateway -> nw_conversation_store "" "kafka" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-conversation-store"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_ai_gateway -> nw_audit_log "Prompts, answers, tool calls, guardrail and routing decisions." "kafka" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-ai-gateway->nw-audit-log"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_ai_gateway -> nw_monitoring "" "otlp" {
            tags "async" "internal"
            properties {
                "cadee.id" "nw-ai-gateway->nw-monitoring"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "internal"
                "cadee.mode" "async"
            }
        }
        nw_triage_agent -> nw_monitoring "" "otlp" {
            tags "async" "internal"
            properties {
                "cadee.id" "nw-triage-agent->nw-monitoring"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "internal"
                "cadee.mode" "async"
            }
        }
        nw_api_gateway -> nw_sts "Validates on-behalf-of tokens." "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-api-gateway->nw-sts"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "1000"
            }
        }
        nw_api_gateway -> nw_core_banking "" "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-api-gateway->nw-core-banking"
                "cadee.auth" "oauth2"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "3000"
            }
        }
        nw_api_gateway -> nw_cards_platform "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-api-gateway->nw-cards-platform"
                "cadee.auth" "oauth2"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "3000"
            }
        }
        nw_api_gateway -> nw_crm "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-api-gateway->nw-crm"
                "cadee.auth" "oauth2"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "3000"
            }
        }
        nw_api_gateway -> nw_fraud_decisioning "" "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-api-gateway->nw-fraud-decisioning"
                "cadee.auth" "mtls"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "500"
            }
        }
        nw_api_gateway -> nw_credit_decisioning "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-api-gateway->nw-credit-decisioning"
                "cadee.auth" "oauth2"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "8000"
            }
        }
        nw_api_gateway -> nw_payments_hub "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-api-gateway->nw-payments-hub"
                "cadee.auth" "oauth2"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "5000"
            }
        }
        nw_api_gateway -> nw_case_management "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-api-gateway->nw-case-management"
                "cadee.auth" "oauth2"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "3000"
            }
        }
        nw_api_gateway -> nw_document_store "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-api-gateway->nw-document-store"
                "cadee.auth" "oauth2"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "5000"
            }
        }
        nw_api_gateway -> nw_audit_log "" "kafka" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-api-gateway->nw-audit-log"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_api_gateway -> nw_monitoring "" "otlp" {
            tags "async" "internal"
            properties {
                "cadee.id" "nw-api-gateway->nw-monitoring"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "internal"
                "cadee.mode" "async"
            }
        }
        nw_payments_hub -> nw_fraud_decisioning "Pre-execution fraud and scam check with the payer's context." "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-payments-hub->nw-fraud-decisioning"
                "cadee.auth" "mtls"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "300"
            }
        }
        nw_payments_hub -> nw_aml_screening "Payee and payment screening with the payer's context." "grpc" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-payments-hub->nw-aml-screening"
                "cadee.auth" "mtls"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "500"
            }
        }
        nw_payments_hub -> nw_core_banking "Debit and credit postings." "mq" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-payments-hub->nw-core-banking"
                "cadee.auth" "mtls"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "2000"
            }
        }
        nw_payments_hub -> nw_event_bus "" "kafka" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-payments-hub->nw-event-bus"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_case_management -> nw_crm "Links cases to the customer record." "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-case-management->nw-crm"
                "cadee.auth" "oauth2"
                "cadee.identity" "on-behalf-of"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "3000"
            }
        }
        nw_case_management -> nw_document_store "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-case-management->nw-document-store"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "5000"
            }
        }
        nw_case_management -> nw_event_bus "" "kafka" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-case-management->nw-event-bus"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_core_banking -> nw_event_bus "" "kafka" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-core-banking->nw-event-bus"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_cards_platform -> nw_event_bus "" "kafka" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-cards-platform->nw-event-bus"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_fraud_decisioning -> nw_fraud_desk "Fraud alerts needing a human decision." "mq" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-fraud-decisioning->nw-fraud-desk"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_core_banking -> nw_monitoring "" "otlp" {
            tags "async" "internal"
            properties {
                "cadee.id" "nw-core-banking->nw-monitoring"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "internal"
                "cadee.mode" "async"
            }
        }
        nw_credit_decisioning -> nw_credit_bureau "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-credit-decisioning->nw-credit-bureau"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "5000"
            }
        }
        nw_aml_screening -> nw_sanctions_lists "Daily list download." "https" {
            tags "batch" "public"
            properties {
                "cadee.id" "nw-aml-screening->nw-sanctions-lists"
                "cadee.auth" "api-key"
                "cadee.identity" "service"
                "cadee.data" "public"
                "cadee.mode" "batch"
            }
        }
        nw_contact_centre_desk -> nw_workforce_idp "" "https" {
            tags "sync" "internal"
            properties {
                "cadee.id" "nw-contact-centre-desk->nw-workforce-idp"
                "cadee.auth" "saml"
                "cadee.identity" "end-user"
                "cadee.data" "internal"
                "cadee.mode" "sync"
            }
        }
        nw_fraud_desk -> nw_workforce_idp "" "https" {
            tags "sync" "internal"
            properties {
                "cadee.id" "nw-fraud-desk->nw-workforce-idp"
                "cadee.auth" "saml"
                "cadee.identity" "end-user"
                "cadee.data" "internal"
                "cadee.mode" "sync"
            }
        }
        nw_complaints_desk -> nw_workforce_idp "" "https" {
            tags "sync" "internal"
            properties {
                "cadee.id" "nw-complaints-desk->nw-workforce-idp"
                "cadee.auth" "saml"
                "cadee.identity" "end-user"
                "cadee.data" "internal"
                "cadee.mode" "sync"
            }
        }
        nw_contact_centre_desk -> nw_api_gateway "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-contact-centre-desk->nw-api-gateway"
                "cadee.auth" "oidc"
                "cadee.identity" "end-user"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "5000"
            }
        }
        nw_fraud_desk -> nw_api_gateway "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-fraud-desk->nw-api-gateway"
                "cadee.auth" "oidc"
                "cadee.identity" "end-user"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "5000"
            }
        }
        nw_complaints_desk -> nw_api_gateway "" "https" {
            tags "sync" "confidential"
            properties {
                "cadee.id" "nw-complaints-desk->nw-api-gateway"
                "cadee.auth" "oidc"
                "cadee.identity" "end-user"
                "cadee.data" "confidential"
                "cadee.mode" "sync"
                "cadee.timeout_ms" "5000"
            }
        }
        nw_audit_log -> nw_siem "" "kafka" {
            tags "async" "confidential"
            properties {
                "cadee.id" "nw-audit-log->nw-siem"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "async"
            }
        }
        nw_data_warehouse -> nw_conversation_store "Nightly extract of conversation outcomes for KPI reporting." "sql" {
            tags "batch" "confidential"
            properties {
                "cadee.id" "nw-conversation-extract"
                "cadee.auth" "kerberos"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "batch"
            }
        }
        nw_data_warehouse -> nw_event_bus "" "kafka" {
            tags "batch" "confidential"
            properties {
                "cadee.id" "nw-event-extract"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "batch"
            }
        }
        nw_csat_survey -> nw_data_warehouse "" "sftp" {
            tags "batch" "internal"
            properties {
                "cadee.id" "nw-csat-survey->nw-data-warehouse"
                "cadee.auth" "service-account"
                "cadee.identity" "service"
                "cadee.data" "internal"
                "cadee.mode" "batch"
            }
        }
        nw_csat_survey -> nw_event_bus "Subscribes to contact-closed events to send post-contact surveys." "kafka" {
            tags "async" "internal"
            properties {
                "cadee.id" "nw-csat-survey->nw-event-bus"
                "cadee.auth" "mtls"
                "cadee.identity" "service"
                "cadee.data" "internal"
                "cadee.mode" "async"
            }
        }
        nw_conversation_store -> nw_crm "Nightly upsert of AI conversation summaries into CRM contact history." "sql" {
            tags "batch" "confidential"
            properties {
                "cadee.id" "nw-nightly-contact-history"
                "cadee.auth" "service-account"
                "cadee.identity" "service"
                "cadee.data" "confidential"
                "cadee.mode" "batch"
            }
        }
        nw_triage_agent -> nw_contact_centre_desk "Fallback on timeout, error, low-confidence, policy-block, outage" {
            tags "fallback"
        }
        nw_payments_agent -> nw_fraud_desk "Fallback on policy-block" {
            tags "fallback"
        }
        nw_payments_agent -> nw_contact_centre_desk "Fallback on timeout, error, low-confidence, outage" {
            tags "fallback"
        }
        nw_disputes_agent -> nw_complaints_desk "Fallback on policy-block, low-confidence" {
            tags "fallback"
        }
        nw_disputes_agent -> nw_fraud_desk "Fallback on error" {
            tags "fallback"
        }
        nw_disputes_agent -> nw_contact_centre_desk "Fallback on timeout, outage" {
            tags "fallback"
        }
        nw_llm_hosted_large -> nw_llm_onprem "Fallback on timeout, error, outage" {
            tags "fallback"
        }
        nw_llm_hosted_large -> nw_contact_centre_desk "Fallback on low-confidence, policy-block" {
            tags "fallback"
        }
        nw_llm_hosted_small -> nw_llm_onprem "Fallback on timeout, error, outage" {
            tags "fallback"
        }
        nw_llm_hosted_small -> nw_contact_centre_desk "Fallback on low-confidence, policy-block" {
            tags "fallback"
        }
        nw_llm_onprem -> nw_contact_centre_desk "Fallback on timeout, error, low-confidence, outage" {
            tags "fallback"
        }
        nw_intent_classifier -> nw_contact_centre_desk "Fallback on low-confidence, error, outage" {
            tags "fallback"
        }
        nw_embedding_model -> nw_contact_centre_desk "Fallback on error, outage" {
            tags "fallback"
        }
        nw_speech_to_text -> nw_contact_centre_desk "Fallback on low-confidence, error, outage" {
            tags "fallback"
        }
        nw_text_to_speech -> nw_contact_centre_desk "Fallback on error, outage" {
            tags "fallback"
        }
    }

    views {
        systemLandscape "landscape" "Northwind Bank AI customer service" {
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
