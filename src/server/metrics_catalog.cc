#include "server/metrics_catalog.h"

namespace deliverer::server {

void DeclareMetrics(metrics::Registry& r) {
  r.DeclareCounter("deliverer_messages_accepted_total", "Messages accepted (202)");
  r.DeclareCounter("deliverer_messages_rejected_total", "Messages refused at ingest");
  r.DeclareCounter("deliverer_messages_sent_total", "Messages accepted by a carrier");
  r.DeclareCounter("deliverer_messages_delivered_total", "Messages delivered");
  r.DeclareCounter("deliverer_messages_failed_total", "Messages failed");
  r.DeclareCounter("deliverer_messages_expired_total", "Messages expired");
  r.DeclareCounter("deliverer_messages_canceled_total", "Messages canceled by their producer");
  r.DeclareCounter("deliverer_messages_released_total", "Scheduled messages queued at their send_at");
  r.DeclareCounter("deliverer_segments_sent_total", "Segments accepted by a carrier");
  r.DeclareCounter("deliverer_retries_total", "Submit retries");
  r.DeclareCounter("deliverer_carrier_errors_total", "Carrier errors by command_status");
  r.DeclareGauge("deliverer_circuit_open", "1 while a carrier's circuit is open");
  r.DeclareGauge("deliverer_carrier_links_up", "Binds or connections up");
  r.DeclareGauge("deliverer_carrier_links", "Binds or connections configured");
  r.DeclareGauge("deliverer_queue_depth", "Messages waiting for a carrier (queued or being submitted)");
  r.DeclareCounter("deliverer_handover_messages_total",
                   "Messages taken over from processes that accept but do not deliver");
  r.DeclareGauge("deliverer_dispatch_connected", "1 while this process's connection to RabbitMQ is up");
  r.DeclareGauge("deliverer_dispatch_pending", "Deliveries waiting for RabbitMQ's confirm");
  r.DeclareCounter("deliverer_dispatch_published_total", "Deliveries published to RabbitMQ and confirmed");
  r.DeclareCounter("deliverer_dispatch_consumed_total", "Deliveries received from RabbitMQ");
  r.DeclareCounter("deliverer_dispatch_malformed_total",
                   "Messages on the dispatch queues that were not dispatch messages");
  r.DeclareGauge("deliverer_queue_oldest_age_seconds", "Age of the oldest message waiting for a carrier");
  r.DeclareGauge("deliverer_ready", "1 while /readyz answers 200");
  r.DeclareGauge("deliverer_storage_up", "1 while the store answers and its writes are durable");
  r.DeclareCounter("deliverer_dlr_received_total", "Delivery receipts received");
  r.DeclareCounter("deliverer_dlr_unmatched_total", "Delivery receipts for unknown ids");
  r.DeclareCounter("deliverer_webhook_deliveries_total", "Producer webhook attempts");
  r.DeclareCounter("deliverer_http_requests_total", "HTTP requests answered");
  r.DeclareHistogram("deliverer_http_request_duration_seconds", "HTTP request duration");
  r.DeclareGauge("deliverer_http_connections", "HTTP connections open");
  r.DeclareCounter("deliverer_http_connections_refused_total", "HTTP connections refused or not accepted");
  r.DeclareGauge("deliverer_smpp_server_connections", "SMPP producer connections open");
  r.DeclareCounter("deliverer_smpp_server_connections_refused_total", "SMPP producer connections closed at once");
  r.DeclareGauge("deliverer_smpp_server_binds", "SMPP producer binds, by kind");
  r.DeclareCounter("deliverer_smpp_server_binds_refused_total", "SMPP producer binds refused, by reason");
  r.DeclareCounter("deliverer_smpp_server_submits_total", "SMPP producer submits answered, by command_status");
  r.DeclareGauge("deliverer_smpp_server_part_sets", "Long messages from SMPP producers waiting for parts");
  r.DeclareCounter("deliverer_smpp_server_part_sets_rejected_total",
                   "Long messages from SMPP producers ended rejected, by reason");
  r.DeclareCounter("deliverer_smpp_server_deliveries_total", "deliver_sm to SMPP producers, by outcome");
  r.DeclareGauge("deliverer_rate_limits_local_share",
                 "1 while shared rate limits are applied on this process's share alone");
  r.DeclareCounter("deliverer_auth_failures_limited_total",
                   "Requests answered 429 because their source address failed authentication too often");
  r.DeclareCounter("deliverer_unhandled_exceptions_total",
                   "Exceptions caught at a connection, exchange or thread boundary");
  r.DeclareCounter("deliverer_error_reports_total", "Internal error and crash reports to Sentry, by outcome");
  r.DeclareCounter("deliverer_carrier_callbacks_refused_total", "Carrier callbacks refused (401)");
  r.DeclareCounter("deliverer_circuit_fallbacks_total", "Messages routed past an open circuit");
  r.DeclareHistogram("deliverer_submit_latency_seconds", "Accept to carrier accepted");
  r.DeclareHistogram("deliverer_delivery_latency_seconds", "Accept to delivered");
  r.DeclareCounter("deliverer_canary_outcomes_total", "Canary roll-outs' outcomes by arm");
  r.DeclareHistogram("deliverer_canary_receipt_latency_seconds", "Carrier accepted to final receipt, by arm");
  r.DeclareGauge("deliverer_canary_halted", "1 while a canary roll-out is halted by its guard");
  r.DeclareCounter("deliverer_canary_halts_total", "Canary roll-outs halted by their guard, by measure");
  r.DeclareCounter("deliverer_inbound_messages_total", "Inbound (MO) messages recorded, by keyword action");
  r.DeclareCounter("deliverer_inbound_forwarded_total",
                   "Inbound (MO) messages put in the webhook outbox for their account's inbound_url");
  r.DeclareGauge("deliverer_inbound_parts_pending", "Parts of concatenated MOs waiting for the rest");
  r.DeclareCounter("deliverer_compliance_replies_total", "Replies to keyword MOs created");
  r.DeclareGauge("deliverer_credentials_aging", "Credentials older than 90 days");
  r.DeclareCounter("deliverer_retention_purged_total", "Bodies cleared and rows deleted by the retention job");
  r.DeclareGauge("deliverer_rows_by_data_key",
                 "Rows whose body or webhook secret is sealed with each data key (0: bodies in "
                 "clear, from before encryption)");
}

}  // namespace deliverer::server
