// The operator dashboard (GET /) in a real browser: headless Chromium loads the page from
// a gateway delivering to the simulator and the test reads what a person would see, by
// polling the DOM with a deadline. Also the page's headers and the data endpoint's
// refusals, over plain HTTP.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "integration/cdp_browser.h"
#include "integration/delivery_helpers.h"
#include "integration/harness.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

constexpr Millis kSeen{30'000};

// Puts `key` into the sign-in form and submits it, as a person would.
void SignIn(Browser& browser, const std::string& key) {
  const Json typed = browser.Eval("document.getElementById('key').value = " + Json(key).dump() +
                                  "; document.querySelector('#login button[type=submit]').click(); true");
  ASSERT_EQ(typed, true) << typed;
}

TEST(DashboardTest, PageIsServedWithAStrictPolicyAndDataNeedsAnAdminKey) {
  DelivererProcess server;
  const HttpResponse page = server.Get("/");
  ASSERT_TRUE(HasStatus(page, 200));
  EXPECT_EQ(page.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page.Header("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(page.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(page.body.find("<script>"), std::string::npos) << "no inline script";
  EXPECT_NE(page.body.find("/dashboard/dashboard.js"), std::string::npos);
  for (const char* asset : {"/dashboard/dashboard.js", "/dashboard/dashboard.css", "/dashboard/vendor/chart.min.js",
                            "/dashboard/vendor/chart.js-LICENSE.md"}) {
    EXPECT_TRUE(HasStatus(server.Get(asset), 200)) << asset;
  }
  EXPECT_TRUE(IsProblem(server.Get("/dashboard/nothing.js"), 404, "not_found"));
  EXPECT_TRUE(IsProblem(server.Get("/dashboard/../../etc/passwd"), 404, "not_found"));

  EXPECT_TRUE(IsProblem(server.Get("/v1/admin/dashboard"), 401, "unauthenticated"));
  EXPECT_TRUE(IsProblem(server.Get("/v1/admin/dashboard", server.CreateKey("acme", kSendRead)), 403, "forbidden"));
  const HttpResponse data = server.Get("/v1/admin/dashboard", server.CreateKey("ops", "admin"));
  ASSERT_TRUE(HasStatus(data, 200));
  for (const char* field : {"series", "latency", "failures", "carrier_errors", "webhooks", "carriers",
                            "queue_depth", "readiness"}) {
    EXPECT_TRUE(data.json.contains(field)) << field << " in " << data.body;
  }
  EXPECT_EQ(data.json["carriers"][0]["id"], "sim-a");
}

TEST(DashboardTest, BrowserShowsLiveThroughputCarrierAndFailuresOnlyToAnAdmin) {
  SimProcess sim;
  DelivererProcess server(kFastDelivery, OneCarrier(sim.SmppPort()));
  const std::string admin = server.CreateKey("ops", "admin");
  const std::string producer = server.CreateKey("acme", kSendRead);
  Browser browser;
  const std::string base = "http://127.0.0.1:" + std::to_string(server.Port());
  browser.Navigate(base + "/");
  Json last;

  // No key: the form, no data; the data endpoint refuses the page's own unauthenticated call.
  ASSERT_TRUE(browser.WaitUntil("!document.getElementById('login').hidden && document.getElementById('board').hidden",
                                kSeen, &last)) << last;
  EXPECT_EQ(browser.Eval("fetch('/v1/admin/dashboard').then(r => r.status)"), 401);
  EXPECT_EQ(browser.Eval("window.Chart !== undefined"), true) << "the vendored Chart.js loads under the CSP";

  // A key without the admin scope: refused, forgotten, nothing shown.
  SignIn(browser, producer);
  ASSERT_TRUE(browser.WaitUntil("document.getElementById('login-error').textContent.includes('403')", kSeen, &last))
      << last;
  EXPECT_EQ(browser.Eval("document.getElementById('board').hidden"), true);
  EXPECT_EQ(browser.Eval("document.querySelectorAll('#carriers tr').length"), 0);
  EXPECT_EQ(browser.Eval("sessionStorage.getItem('deliverer.adminKey')"), Json());

  // The admin key: the carrier bound with its circuit closed.
  SignIn(browser, admin);
  ASSERT_TRUE(browser.WaitUntil(
      "(() => { const r = document.querySelector('#carriers tr[data-carrier=\"sim-a\"]');"
      " return !!r && r.cells[1].textContent === '1/1' && r.cells[2].textContent === 'closed'; })()",
      kSeen, &last)) << last << browser.Eval("document.body.innerText");
  EXPECT_EQ(browser.Eval("document.getElementById('login').hidden"), true);
  // Nothing waits yet: the oldest waiting message's age reads in seconds, near zero.
  ASSERT_TRUE(browser.WaitUntil("/^\\d+\\.\\d s$/.test(document.getElementById('queue-oldest-age').textContent)",
                                kSeen, &last)) << last;

  // Under load, the accepted and sent series rise above zero on the chart and the tiles.
  std::atomic<bool> stop{false};
  std::thread load([&] {
    for (int i = 0; !stop.load(); ++i) {
      server.Post("/v1/messages", FromDeliverer("+4479111" + std::to_string(30000 + i % 500), "Dashboard load"),
                  producer);
    }
  });
  const std::string series_rose =
      "(() => { const c = Chart.getChart('throughput'); if (!c) return false;"
      " const up = (label) => c.data.datasets.find(d => d.label === label).data.some(p => p.y > 0);"
      " return up('accepted') && up('sent') && up('delivered'); })()";
  const bool rose = browser.WaitUntil(series_rose, Millis(60'000), &last);
  const bool tile = browser.WaitUntil("parseFloat(document.getElementById('rate-accepted').textContent) > 0",
                                      kSeen);

  // The simulator now refuses every submit permanently (0x0B, invalid destination):
  // the code appears among the failures, with the failed messages' reason.
  ASSERT_EQ(sim.Patch("/config", {{"submit", {{"transient_rate", 0}, {"permanent_rate", 1}}}}).status, 200);
  const bool failure_shown = browser.WaitUntil(
      "!!document.querySelector('#failures tr[data-code=\"0x0000000B\"]') &&"
      " !!document.querySelector('#failures tr[data-code=\"carrier_permanent_error\"]')",
      kSeen, &last);
  stop = true;
  load.join();
  EXPECT_TRUE(rose) << last;
  EXPECT_TRUE(tile) << browser.Eval("document.getElementById('rate-accepted').textContent");
  EXPECT_TRUE(failure_shown) << browser.Eval("document.getElementById('failures').innerText");
  EXPECT_TRUE(browser.WaitUntil("parseFloat(document.getElementById('rate-failed').textContent) > 0", kSeen));

  // The simulator now answers each submit after 5 s: a message sent meanwhile waits, and
  // its age climbs on the Queue card.
  ASSERT_EQ(sim.Patch("/config", {{"submit", {{"permanent_rate", 0}, {"latency_ms", 5000}}}}).status, 200);
  ASSERT_TRUE(HasStatus(server.Post("/v1/messages", FromDeliverer("+447911130999", "Dashboard wait"), producer), 202));
  EXPECT_TRUE(browser.WaitUntil(
      "(() => { const t = document.getElementById('queue-oldest-age').textContent;"
      " return / s$/.test(t) && parseFloat(t) >= 1; })()", kSeen, &last))
      << browser.Eval("document.getElementById('queue-oldest-age').textContent");

  // The key went only in headers: no URL the page requested holds it, and the page shows
  // no number and no body.
  const Json urls = browser.Eval("performance.getEntriesByType('resource').map(e => e.name).join(' ')");
  EXPECT_EQ(urls.get<std::string>().find(KeySecret(admin)), std::string::npos) << urls;
  const std::string text = browser.Eval("document.body.innerText").get<std::string>();
  EXPECT_EQ(text.find("+4479111"), std::string::npos);
  EXPECT_EQ(text.find("4479111"), std::string::npos);
  EXPECT_EQ(text.find("Dashboard load"), std::string::npos);

  browser.Screenshot(std::string(DELIVERER_BUILD_DIR) + "/dashboard.png");

  // Forgetting the key clears the board.
  EXPECT_EQ(browser.Eval("document.getElementById('logout').click(); document.getElementById('board').hidden"), true);
  EXPECT_EQ(browser.Eval("sessionStorage.getItem('deliverer.adminKey')"), Json());
}

// "Canary roll-outs": each arm with its own ratios, and the roll-out's state, as a person
// sees them once the canary's carrier refused enough for its guard to halt it.
TEST(DashboardTest, BrowserShowsEachCanaryArmWithItsOwnRatios) {
  SimProcess control;
  SimProcess canary({"--permanent-rate", "1"});
  DelivererProcess server(kFastDelivery, SmppCarrierToml("sim-control", control.SmppPort()) +
                                             SmppCarrierToml("sim-canary", canary.SmppPort()) +
                                             "\n[[routes]]\ncarriers = [\"sim-control\"]\n"
                                             "canary = { flag = \"try-new\", percent = 50, carriers = "
                                             "[\"sim-canary\"], guard = { min_samples = 20 } }\n");
  const std::string admin = server.CreateKey("ops", "admin");
  const std::string producer = server.CreateKey("acme", kSendRead);
  ASSERT_TRUE(WaitFor([&] { return canary.Stats()["binds"] == 1 && control.Stats()["binds"] == 1; },
                      Millis(30'000)));
  std::vector<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.push_back(Send(server, producer, FromDeliverer(kTo, "canary load")));
  ASSERT_EQ(AwaitTerminal(server, producer, ids).size(), ids.size());
  Browser browser;
  browser.Navigate("http://127.0.0.1:" + std::to_string(server.Port()) + "/");
  SignIn(browser, admin);
  Json last;

  const auto cells = [](const char* arm) {
    return std::string("Array.from(document.querySelector('#canaries tr[data-flag=\"try-new\"][data-arm=\"") + arm +
           "\"]')?.cells ?? []).map(c => c.textContent)";
  };
  ASSERT_TRUE(browser.WaitUntil(
      cells("canary") + "[2] === 'halted' && " + cells("control") + "[6] === '100.0 %'", kSeen, &last))
      << last << browser.Eval("document.getElementById('canaries').innerText");
  const Json canary_row = browser.Eval(cells("canary"));
  const Json control_row = browser.Eval(cells("control"));
  EXPECT_EQ(canary_row[4], "100.0 %") << canary_row << ": every canary submit refused";
  EXPECT_EQ(canary_row[6], "–") << canary_row << ": none of the canary's messages was taken";
  EXPECT_EQ(control_row[2], "halted");
  EXPECT_EQ(control_row[4], "0.0 %") << control_row;
  EXPECT_EQ(control_row[6], "100.0 %") << control_row << ": the control's messages were all delivered";
}

}  // namespace
}  // namespace deliverer::integration
