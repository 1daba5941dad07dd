// One producer's connection: the read loop, the timers, and the bind.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "auth/api_key.h"
#include "auth/smpp_password.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/unhandled.h"
#include "smpp/status.h"
#include "smppd/net/core.h"

namespace deliverer::smppd::net {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

constexpr std::chrono::seconds kTickEvery{1};

std::string PeerOf(smpp::net::Channel& channel) {
  boost::system::error_code ec;
  const auto endpoint = channel.remote_endpoint();
  return endpoint.address().to_string(ec);
}

bool Active(const store::ApiKeyRecord& key, int64_t now_ms) {
  return !key.revoked_at_ms && (!key.expires_at_ms || *key.expires_at_ms > now_ms);
}

// A transmitter submits; a receiver reads what its messages became.
bool ScopeAllows(uint32_t scopes, BindKind kind) {
  if ((scopes & auth::kScopeAdmin) != 0) return true;
  if (kind == BindKind::kReceiver) return (scopes & (auth::kScopeSend | auth::kScopeRead)) != 0;
  return (scopes & auth::kScopeSend) != 0;
}

}  // namespace

Connection::Connection(std::shared_ptr<Core> core, uint64_t id, std::shared_ptr<smpp::net::Channel> channel)
    : core_(std::move(core)),
      id_(id),
      channel_(std::move(channel)),
      peer_(PeerOf(*channel_)),
      session_(core_->options().session, *this),
      tick_timer_(core_->io()) {}

awaitable<void> Connection::Run() {
  session_.OnConnected(core_->deps().clock.Now());
  asio::co_spawn(core_->io(), [self = shared_from_this()] { return self->TickLoop(); },
                 LogUnhandled("smppd", [channel = channel_] { channel->Close(); }));
  for (;;) {
    smpp::net::ReadEvent event = co_await channel_->Read();
    const TimePoint now = core_->deps().clock.Now();
    if (auto* pdu = std::get_if<smpp::Pdu>(&event)) {
      session_.OnPdu(std::move(*pdu), now);
    } else if (auto* malformed = std::get_if<smpp::Malformed>(&event)) {
      log::Warn(kComponent, "connection {}: malformed {} ({})", id_,
                smpp::CommandName(malformed->header.command_id), malformed->reason);
      session_.OnMalformed(*malformed, now);
    } else {
      if (auto* broken = std::get_if<smpp::BrokenFraming>(&event)) {
        log::Warn(kComponent, "connection {}: broken framing ({}); closed", id_, broken->reason);
      }
      break;
    }
  }
  tick_timer_.cancel();
  session_.OnDisconnected();
  core_->OnClosed(id_);
  if (!identity_.system_id.empty()) log::Info(kComponent, "connection {}: '{}' unbound", id_, identity_.system_id);
}

awaitable<void> Connection::TickLoop() {
  while (channel_->open()) {
    tick_timer_.expires_after(kTickEvery);
    boost::system::error_code ec;
    co_await tick_timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    if (!channel_->open()) break;
    session_.OnTick(core_->deps().clock.Now());
  }
}

void Connection::Send(const smpp::Pdu& pdu) { channel_->Send(pdu); }

void Connection::Close(std::string_view reason) {
  log::Info(kComponent, "connection {}: closing ({})", id_, reason);
  channel_->CloseAfterFlush();
}

void Connection::OnBind(const BindRequest& request) {
  asio::co_spawn(core_->io(), [self = shared_from_this(), request] { return self->VerifyBind(request); },
                 LogUnhandled("smppd", [self = shared_from_this(), request] {
                   self->session_.RefuseBind(request, smpp::kEsmeRSysErr);
                 }));
}

awaitable<void> Connection::VerifyBind(BindRequest request) {
  const ServerDeps& deps = core_->deps();
  if (deps.auth_failures.Check(peer_) > 0) {
    core_->CountBindRefused("failures_limited");
    session_.RefuseBind(request, smpp::kEsmeRBindFail);
    co_return;
  }
  Result<store::ApiKeyRecord> credential = co_await FindCredential(request);
  if (!credential.ok()) {
    const bool storage = credential.error().code == "storage_unavailable";
    if (!storage) {
      deps.auth_failures.Failed(peer_);
      Audit("smpp.bind_refused", request.system_id);
    }
    core_->CountBindRefused(storage ? "storage" : "credentials");
    log::Warn(kComponent, "connection {}: {} bind of '{}' refused: {}", id_, ToString(request.kind),
              request.system_id, credential.error().detail);
    session_.RefuseBind(request, storage ? smpp::kEsmeRSysErr : smpp::kEsmeRInvPaswd);
    co_return;
  }
  if (!ScopeAllows(credential->scopes, request.kind)) {
    core_->CountBindRefused("scope");
    Audit("smpp.bind_refused", request.system_id);
    session_.RefuseBind(request, smpp::kEsmeRBindFail);
    co_return;
  }
  if (core_->BindsOf(request.system_id) >= core_->options().max_binds_per_system_id) {
    core_->CountBindRefused("binds_per_system_id");
    log::Warn(kComponent, "connection {}: '{}' has {} binds already: refused", id_, request.system_id,
              core_->options().max_binds_per_system_id);
    session_.RefuseBind(request, smpp::kEsmeRBindFail);
    co_return;
  }
  identity_ = Identity{request.system_id, credential->key_id, credential->account, credential->scopes};
  session_.AcceptBind(request, core_->options().system_id);
  Audit("smpp.bind", request.system_id);
  log::Info(kComponent, "connection {}: '{}' bound as {} (account '{}')", id_, request.system_id,
            ToString(request.kind), identity_.account);
  core_->OnBound(*this);
}

awaitable<Result<store::ApiKeyRecord>> Connection::FindCredential(const BindRequest& request) {
  const ServerDeps& deps = core_->deps();
  auto found = deps.keys.FindSmppCredentials(request.system_id);
  if (!found.ok()) co_return Error::Of("storage_unavailable", found.error().detail);
  const int64_t now = deps.clock.NowUnixMillis();
  std::vector<store::ApiKeyRecord> active;
  for (store::ApiKeyRecord& key : *found) {
    if (Active(key, now)) active.push_back(std::move(key));
  }
  // The hash check costs milliseconds on purpose: off the I/O thread when there is a pool.
  // A system_id with no active credential is checked against a hash of its own, so that
  // its refusal takes as long as a wrong password's and the timing names no system_id.
  auto check = [&active, &request]() -> std::optional<store::ApiKeyRecord> {
    if (active.empty()) {
      static const std::string kNoCredential = auth::HashSmppPassword(auth::GenerateSmppPassword());
      (void)auth::VerifySmppPassword(kNoCredential, request.password);
    }
    for (const store::ApiKeyRecord& key : active) {
      if (auth::VerifySmppPassword(key.hash, request.password)) return key;
    }
    return std::nullopt;
  };
  std::optional<store::ApiKeyRecord> match;
  if (deps.work_pool == nullptr) {
    match = check();
  } else {
    match = co_await asio::co_spawn(
        deps.work_pool->get_executor(), [&check]() -> awaitable<std::optional<store::ApiKeyRecord>> { co_return check(); },
        use_awaitable);
  }
  if (!match) co_return Error::Of("unauthenticated", active.empty() ? "no active credential" : "wrong password");
  co_return std::move(*match);
}

void Connection::Audit(std::string action, const std::string& system_id) {
  const ServerDeps& deps = core_->deps();
  const int64_t now = deps.clock.NowUnixMillis();
  deps.audit.AppendAudit(store::AuditEntry{0, now, identity_.key_id, identity_.account, peer_, action, system_id,
                                           NewUuidV7(now)},
                         [action](Status s) {
                           if (!s.ok()) log::Error("audit", "{} not recorded: {}", action, s.error().detail);
                         });
}

void Connection::OnSubmit(uint32_t sequence, smpp::Pdu&& pdu) {
  asio::co_spawn(core_->io(),
                 [core = core_, self = shared_from_this(), sequence, pdu = std::move(pdu)]() mutable {
                   return core->HandleSubmit(self, sequence, std::move(pdu));
                 },
                 LogUnhandled("smppd", [self = shared_from_this(), sequence] {
                   self->session_.AnswerSubmit(sequence, smpp::kEsmeRSysErr, "");
                 }));
}

bool Connection::Deliver(smpp::DeliverSm&& pdu, const std::string& event_id, int attempts) {
  uint32_t sequence = 0;
  if (!session_.Deliver(std::move(pdu), core_->deps().clock.Now(), &sequence)) return false;
  out_[sequence] = OutDelivery{event_id, attempts};
  return true;
}

void Connection::OnDeliverAnswer(uint32_t sequence, uint32_t command_status) {
  auto it = out_.find(sequence);
  if (it == out_.end()) return;
  OutDelivery delivery = std::move(it->second);
  out_.erase(it);
  core_->OnDeliveryAnswer(delivery.event_id, command_status, delivery.attempts);
}

}  // namespace deliverer::smppd::net
