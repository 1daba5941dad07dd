// The last line of defence (common/unhandled.h): an exception from a coroutine or a
// handler is reported, counted and contained; the loop runs on.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "common/unhandled.h"

namespace deliverer {
namespace {

namespace asio = boost::asio;

class UnhandledTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetUnhandledCounter([this](std::string_view component) { counted_.emplace_back(component); });
  }
  void TearDown() override { SetUnhandledCounter(nullptr); }
  std::vector<std::string> counted_;  // the test's thread only: io runs on it
};

TEST_F(UnhandledTest, ACoroutineThatThrowsRunsItsCleanupAndIsCounted) {
  asio::io_context io;
  bool freed = false;
  asio::co_spawn(
      io, []() -> asio::awaitable<void> { throw std::length_error("field value too large"); },
      LogUnhandled("webhooks", [&] { freed = true; }));
  io.run();
  EXPECT_TRUE(freed);
  EXPECT_EQ(counted_, std::vector<std::string>{"webhooks"});
}

TEST_F(UnhandledTest, ACoroutineThatEndsWellRunsNoCleanup) {
  asio::io_context io;
  bool freed = false;
  asio::co_spawn(io, []() -> asio::awaitable<void> { co_return; }, LogUnhandled("http", [&] { freed = true; }));
  io.run();
  EXPECT_FALSE(freed);
  EXPECT_TRUE(counted_.empty());
}

// What an exception thrown by a library inside an I/O handler did: it left
// io_context::run() and ended the thread, and with it the process.
TEST_F(UnhandledTest, AHandlerThatThrowsLeavesTheLoopRunning) {
  asio::io_context io;
  int ran = 0;
  asio::post(io, [] { throw std::runtime_error("from a handler"); });
  asio::post(io, [&] { ++ran; });
  asio::post(io, [] { throw 42; });
  asio::post(io, [&] { ++ran; });
  RunGuarded(io, "delivery");
  EXPECT_EQ(ran, 2);
  EXPECT_EQ(counted_, (std::vector<std::string>{"delivery", "delivery"}));
}

TEST_F(UnhandledTest, AThreadLoopThatThrowsIsReportedAndRunsAgainUntilItReturns) {
  int runs = 0;
  RunReportingUnhandled("handover", [&] {
    if (++runs < 3) throw std::runtime_error("from a thread's loop");
  });
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(counted_, (std::vector<std::string>{"handover", "handover"}));
}

// What the error sink gets (common/unhandled.h): the exception's type and text as caught,
// and the message it concerns; an error found as a value reaches it uncounted.
TEST_F(UnhandledTest, TheSinkGetsTypeTextAndCorrelation) {
  std::vector<std::string> sunk;
  SetErrorSink([&](const ErrorReport& e) {
    sunk.push_back(std::string(e.component) + "|" + std::string(e.type) + "|" + std::string(e.message) + "|" +
                   std::string(e.correlation_id));
  });
  asio::io_context io;
  asio::co_spawn(
      io, []() -> asio::awaitable<void> { throw std::length_error("field value too large"); },
      LogUnhandled("webhooks", nullptr, "0190a3b4-5678-7abc-8def-0123456789ab"));
  io.run();
  ReportInternalError({"storage", "sqlite", "sqlite: database disk image is malformed", ""});
  SetErrorSink(nullptr);
  ReportInternalError({"storage", "sqlite", "after the sink is unset", ""});
  EXPECT_EQ(sunk, (std::vector<std::string>{
                      "webhooks|std::length_error|field value too large|0190a3b4-5678-7abc-8def-0123456789ab",
                      "storage|sqlite|sqlite: database disk image is malformed|"}));
  EXPECT_EQ(counted_, std::vector<std::string>{"webhooks"});
}

}  // namespace
}  // namespace deliverer
