#pragma once
// A whole store backend: one object implementing every seam, as server/ opens it
// (server/components.h OpenStore) and hands each consumer the seams it uses:
//
//   seam              header                    used by
//   MessageStore      store/message_store.h     api::Api
//   ComplianceStore   store/compliance_store.h  api::Api, delivery::Engine (IsSuppressed), CLI
//   ErasureStore      store/erasure_store.h     api::Api, CLI
//   AuditLog          store/audit_log.h         api::Api, CLI, serve (config reload)
//   KeyStore          store/key_store.h         api::Api (authentication), CLI,
//                                               server::CredentialWatch
//   MaintenanceStore  store/maintenance_store.h server::RetentionJob, server::DataKeyJob, CLI
//   DeliveryStore     store/delivery_store.h    delivery::Engine
//   InboundStore      store/inbound_store.h     delivery::Engine, api::Api (listing)
//   OutboxStore       store/outbox_store.h      webhooks::Dispatcher
//   CanaryStore       store/canary_store.h      delivery::Engine, api::Api, CLI
//
// The contract every seam keeps is in store/seam.h; the conformance suite
// (tests/unit/store/conformance/) checks it, and a new backend must pass it unchanged.
#include "store/audit_log.h"
#include "store/canary_store.h"
#include "store/compliance_store.h"
#include "store/delivery_store.h"
#include "store/erasure_store.h"
#include "store/inbound_store.h"
#include "store/key_store.h"
#include "store/maintenance_store.h"
#include "store/message_store.h"
#include "store/outbox_store.h"

namespace deliverer::store {

class Backend : public MessageStore,
                public ComplianceStore,
                public ErasureStore,
                public AuditLog,
                public KeyStore,
                public MaintenanceStore,
                public DeliveryStore,
                public InboundStore,
                public OutboxStore,
                public CanaryStore {};

}  // namespace deliverer::store
