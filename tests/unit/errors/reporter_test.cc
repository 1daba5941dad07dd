// The Reporter (errors/reporter.h) against a receiver on loopback: what an internal error
// or a crash record becomes on the wire, and how each report ends in the counts.
#include "errors/reporter.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/loopback_http_server.h"
#include "support/test_dir.h"

namespace deliverer::errors {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Json = nlohmann::json;

constexpr const char* kCorrelation = "0190a3b4-5678-7abc-8def-0123456789ab";

struct Request {
  std::string target;
  std::string auth;
  std::string body;
  // The event: the envelope's third line.
  Json Event() const {
    std::istringstream lines(body);
    std::string line;
    for (int i = 0; i < 3; ++i) std::getline(lines, line);
    return Json::parse(line, nullptr, false);
  }
};

class ReporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::FreshTestDir("reporter").string();
    receiver_.on_request = [this](const http::request<http::string_body>& request) {
      std::lock_guard lock(mutex_);
      received_.push_back({std::string(request.target()), std::string(request["X-Sentry-Auth"]), request.body()});
    };
    server_thread_ = std::thread([this] { server_io_.run(); });
  }
  void TearDown() override {
    asio::post(server_io_, [this] { server_io_.stop(); });
    server_thread_.join();
    std::filesystem::remove_all(dir_);
  }

  Reporter::Options Options() {
    auto dsn = ParseDsn("http://publickey@127.0.0.1:" + std::to_string(receiver_.port()) + "/42");
    EXPECT_TRUE(dsn.ok());
    Reporter::Options options{.dsn = *dsn};
    options.crash_directory = dir_;
    return options;
  }
  std::vector<Request> Requests() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  double Count(const std::string& outcome) {
    const metrics::Labels wanted = {{"outcome", outcome}};
    for (const auto& [labels, value] : registry_.Values("deliverer_error_reports_total")) {
      if (labels == wanted) return value;
    }
    return -1;
  }
  std::string WriteCrashRecord(const std::string& text) {
    const std::string path = dir_ + "/crash-1764000000000-77.record";
    std::ofstream(path) << text;
    return path;
  }

  std::string dir_;
  std::atomic<int> status_{200};  // what the receiver answers
  asio::io_context server_io_;
  test_http::LoopbackServer receiver_{server_io_, [this](int, const std::string&) {
                                        auto res = test_http::Ok("{}");
                                        res.result(static_cast<unsigned>(status_.load()));
                                        return std::optional(res);
                                      }};
  std::thread server_thread_;
  metrics::Registry registry_;
  FakeClock clock_;
  std::mutex mutex_;
  std::vector<Request> received_;
};

void Throw(std::string_view component, const std::string& what, std::string_view correlation = "") {
  ReportUnhandled(component, std::make_exception_ptr(std::runtime_error(what)), correlation);
}

TEST_F(ReporterTest, AnUnhandledExceptionArrivesAsAnEnvelope) {
  Reporter reporter(Options(), registry_, clock_);
  reporter.Start();
  Throw("carrier", "no route for +442071838750", kCorrelation);
  reporter.Stop();  // sends what is queued first

  const std::vector<Request> received = Requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].target, "/api/42/envelope/");
  EXPECT_EQ(received[0].auth, "Sentry sentry_version=7, sentry_key=publickey, sentry_client=deliverer/" DELIVERER_VERSION);
  EXPECT_EQ(received[0].body.find("publickey"), std::string::npos) << received[0].body;
  EXPECT_EQ(received[0].body.find("442071838750"), std::string::npos) << received[0].body;
  const Json event = received[0].Event();
  EXPECT_EQ(event["release"], "deliverer@" DELIVERER_VERSION);
  EXPECT_EQ(event["level"], "error");
  EXPECT_EQ(event["tags"]["component"], "carrier");
  EXPECT_EQ(event["tags"]["correlation_id"], kCorrelation);
  EXPECT_EQ(event["exception"]["values"][0]["type"], "std::runtime_error");
  EXPECT_EQ(event["exception"]["values"][0]["value"], "no route for +4420****8750");
  EXPECT_EQ(Count("sent"), 1);
  EXPECT_EQ(Count("dropped"), 0);
  EXPECT_EQ(Count("failed"), 0);
}

TEST_F(ReporterTest, AStormIsThrottledAndCounted) {
  Reporter reporter(Options(), registry_, clock_);
  reporter.Start();
  for (int i = 0; i < 50; ++i) Throw("http", "error number " + std::to_string(i));
  for (int i = 0; i < 5; ++i) Throw("http", "error number 0");
  reporter.Stop();
  EXPECT_EQ(Requests().size(), static_cast<size_t>(Throttle::kBurst));
  EXPECT_EQ(Count("sent"), Throttle::kBurst);
  EXPECT_EQ(Count("dropped"), 55 - Throttle::kBurst);
}

TEST_F(ReporterTest, AReportTheReceiverRefusesIsCountedFailed) {
  status_ = 500;
  Reporter reporter(Options(), registry_, clock_);
  reporter.Start();
  Throw("webhooks", "boom");
  reporter.Stop();
  EXPECT_EQ(Requests().size(), 1u);
  EXPECT_EQ(Count("failed"), 1);
  EXPECT_EQ(Count("sent"), 0);
}

// Sentry's answer to too many events: the next minute's are dropped without a request.
TEST_F(ReporterTest, After429ReportsAreDroppedForAMinute) {
  status_ = 429;
  Reporter reporter(Options(), registry_, clock_);
  reporter.Start();
  Throw("http", "first");
  Throw("http", "second");
  reporter.Stop();
  EXPECT_EQ(Requests().size(), 1u);
  EXPECT_EQ(Count("failed"), 1);
  EXPECT_EQ(Count("dropped"), 1);
}

TEST_F(ReporterTest, ACrashRecordIsSentAsAFatalEventThenDeleted) {
  const std::string record = WriteCrashRecord(
      "deliverer crash record\nsignal=11\nunix_ms=1764000000123\nthread=writer\nrelease=deliverer@0.0.9\n");
  Reporter reporter(Options(), registry_, clock_);
  reporter.Start();
  reporter.Stop();
  const std::vector<Request> received = Requests();
  ASSERT_EQ(received.size(), 1u);
  const Json event = received[0].Event();
  EXPECT_EQ(event["level"], "fatal");
  EXPECT_EQ(event["release"], "deliverer@0.0.9");  // the release that crashed
  EXPECT_EQ(event["timestamp"], "2025-11-24T16:00:00.123Z");
  EXPECT_EQ(event["tags"]["component"], "writer");
  EXPECT_EQ(event["exception"]["values"][0]["type"], "SIGSEGV");
  EXPECT_FALSE(std::filesystem::exists(record));
  EXPECT_EQ(Count("sent"), 1);
}

TEST_F(ReporterTest, ACrashRecordNotAcceptedStaysForTheNextStart) {
  status_ = 503;
  const std::string record =
      WriteCrashRecord("deliverer crash record\nsignal=6\nunix_ms=1764000000123\nthread=delivery\n");
  Reporter reporter(Options(), registry_, clock_);
  reporter.Start();
  reporter.Stop();
  EXPECT_EQ(Requests().size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(record));
  EXPECT_EQ(Count("failed"), 1);
}

TEST_F(ReporterTest, AFileThatIsNoCrashRecordIsDeletedUnsent) {
  const std::string record = WriteCrashRecord("deliverer crash record\nsignal=6\nunix_");
  Reporter reporter(Options(), registry_, clock_);
  reporter.Start();
  reporter.Stop();
  EXPECT_TRUE(Requests().empty());
  EXPECT_FALSE(std::filesystem::exists(record));
}

// A FIFO planted under a record's name would block a read for ever, and a huge file
// would be read whole: neither is read, and the start goes on.
TEST_F(ReporterTest, AFifoOrAHugeFileUnderARecordsNameIsNotRead) {
  const std::string fifo = dir_ + "/crash-1764000000000-1.record";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string huge = dir_ + "/crash-1764000000000-2.record";
  {
    std::ofstream out(huge);
    out << "deliverer crash record\nsignal=11\nunix_ms=1764000000123\n" << std::string(4 << 20, 'x') << "\n";
  }
  Reporter reporter(Options(), registry_, clock_);
  reporter.Start();  // would block on the FIFO
  reporter.Stop();
  EXPECT_TRUE(Requests().empty()) << "the huge file's first KiB is no complete record";
}

// A receiver that takes the connection and never answers holds up neither the code that
// reports nor the shutdown for longer than kFlushTime; what could not go out is counted.
TEST_F(ReporterTest, AReceiverThatNeverAnswersDelaysStopByTheFlushTimeAtMost) {
  asio::ip::tcp::acceptor silent(server_io_, {asio::ip::make_address("127.0.0.1"), 0});
  std::vector<std::shared_ptr<asio::ip::tcp::socket>> held;
  silent.async_accept([&](boost::system::error_code ec, asio::ip::tcp::socket socket) {
    if (!ec) held.push_back(std::make_shared<asio::ip::tcp::socket>(std::move(socket)));
  });
  Reporter::Options options = Options();
  options.dsn.envelope_url.port = std::to_string(silent.local_endpoint().port());
  Reporter reporter(std::move(options), registry_, clock_);
  reporter.Start();
  const auto reported = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) Throw("http", "error " + std::to_string(i));
  EXPECT_LT(std::chrono::steady_clock::now() - reported, std::chrono::milliseconds(100));
  const auto stopping = std::chrono::steady_clock::now();
  reporter.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, Reporter::kFlushTime + std::chrono::seconds(1));
  EXPECT_EQ(Count("failed"), 1);   // the POST under way, cancelled
  EXPECT_EQ(Count("dropped"), 2);  // still queued
  std::promise<void> closed;
  asio::post(server_io_, [&] {
    held.clear();
    silent.close();
    closed.set_value();
  });
  closed.get_future().wait();
}

TEST_F(ReporterTest, AfterStopNothingIsReported) {
  Reporter reporter(Options(), registry_, clock_);
  reporter.Start();
  reporter.Stop();
  Throw("http", "late");
  EXPECT_TRUE(Requests().empty());
}

}  // namespace
}  // namespace deliverer::errors
