// The shipped Prometheus rules and Grafana dashboard against a real Prometheus (Debian's)
// scraping a real `serve` under load (docs/operations.md "Grafana"): every recording rule
// records data, every alert rule evaluates without error, and every Grafana panel's query
// parses and returns data. The series that appear only under a fault (carrier errors,
// failures by reason) are produced by a simulator that refuses some submits for good.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "integration/delivery_helpers.h"
#include "integration/sim_process.h"

namespace deliverer::integration {
namespace {

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(DELIVERER_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
    throw std::runtime_error("no free port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// `prometheus` on loopback with its own data folder, killed when the test ends.
class PrometheusProcess {
 public:
  PrometheusProcess(const TempDir& dir, const std::string& config) : port_(FreePort()) {
    const std::string config_path = dir.WriteFile("prometheus.yml", config);
    const std::string log_path = dir.path() + "/prometheus.log";
    std::vector<std::string> args = {"prometheus", "--config.file=" + config_path,
                                     "--storage.tsdb.path=" + dir.path() + "/tsdb",
                                     "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                     "--log.level=warn"};
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      FILE* log = freopen(log_path.c_str(), "w", stdout);
      if (log != nullptr) dup2(fileno(stdout), STDERR_FILENO);
      execvp(argv[0], argv.data());
      _exit(127);
    }
  }
  ~PrometheusProcess() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }

  // GET `path` of its HTTP API as JSON; null when it does not answer.
  Json Api(const std::string& path) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(10, 0);
    auto answer = client.Get(path);
    return answer ? ParseObject(answer->body) : Json();
  }
  // An instant query: its "data.result", or null when the query failed.
  Json Query(const std::string& expr) const {
    Json answer = Api("/api/v1/query" + integration::Query({{"query", expr}}));
    if (!answer.is_object() || answer.value("status", "") != "success") return Json();
    return answer["data"]["result"];
  }

 private:
  uint16_t port_;
  pid_t pid_ = -1;
};

std::string PrometheusConfig(const std::string& rules_path, uint16_t first_port, uint16_t second_port) {
  return "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
         "rule_files: ['" + rules_path + "']\n"
         "scrape_configs:\n  - job_name: deliverer\n    static_configs:\n"
         "      - targets: ['127.0.0.1:" + std::to_string(first_port) + "', '127.0.0.1:" +
         std::to_string(second_port) + "']\n";
}

// The rules as shipped, evaluated every second instead of every 30 s so the test need not
// wait for them.
std::string FastRules() {
  std::string rules = ReadSource("deploy/prometheus/deliverer.rules.yml");
  for (size_t at = rules.find("interval: 30s"); at != std::string::npos; at = rules.find("interval: 30s", at)) {
    rules.replace(at, 13, "interval: 1s");
  }
  return rules;
}

TEST(PrometheusTest, EveryRuleAndEveryGrafanaPanelQueryWorksAgainstARealScrape) {
  // Two gateways, so that every kind of outcome has a series: one whose carrier refuses a
  // third of the submits for good, whose messages have webhooks, and whose route has a
  // canary on that same carrier (both arms alike: its guard never halts it), one whose
  // carrier sends no receipts, so its messages end expired (no_receipt) after a second.
  SimProcess refusing({"--permanent-rate", "0.3"});
  SimProcess silent({"--no-receipts"});
  WebhookReceiver hooks;
  DelivererProcess server(std::string(kFastDelivery) + "\n[security]\nallow_private_callbacks = true\n",
                          SmppCarrierToml("sim-a", refusing.SmppPort()) +
                              "\n[[routes]]\nmatch = \"*\"\ncarriers = [\"sim-a\"]\n"
                              "canary = { flag = \"same-carrier\", percent = 50, carriers = [\"sim-a\"] }\n");
  DelivererProcess expiring(std::string(kFastDelivery) + "receipt_wait_s = 1\n", OneCarrier(silent.SmppPort()));
  const std::string key = server.CreateKey("acme", kSendRead);
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i) {
    Json message = FromDeliverer(kTo, "load " + std::to_string(i));
    message["callback_url"] = hooks.Url();
    ids.push_back(Send(server, key, message));
  }
  auto final = AwaitTerminal(server, key, ids);
  ASSERT_EQ(final.size(), ids.size());
  size_t failed = 0;
  for (const auto& [id, m] : final) failed += m["status"] == "failed" ? 1 : 0;
  ASSERT_GT(failed, 0u) << "the fault was not injected";
  ASSERT_LT(failed, ids.size()) << "nothing was delivered";
  const std::string expiring_key = expiring.CreateKey("acme", kSendRead);
  const std::string unanswered = Send(expiring, expiring_key, FromDeliverer(kTo, "no receipt comes"));
  ASSERT_EQ(AwaitFinal(expiring, expiring_key, unanswered)["status"], "expired");
  ASSERT_TRUE(WaitFor([&] { return !hooks.Accepted().empty(); }, Millis(10'000)));

  TempDir dir;
  const std::string rules = dir.WriteFile("deliverer.rules.yml", FastRules());
  PrometheusProcess prometheus(dir, PrometheusConfig(rules, server.Port(), expiring.Port()));
  ASSERT_TRUE(WaitFor([&] { return prometheus.Api("/api/v1/status/buildinfo").is_object(); }, Millis(30'000)))
      << "prometheus did not start";
  // Rates need two scrapes; the recording rules a round of evaluation after them.
  ASSERT_TRUE(WaitFor(
      [&] {
        Json r = prometheus.Query("count_over_time(deliverer_messages_delivered_total[1m])");
        return r.is_array() && !r.empty() && std::stod(r[0]["value"][1].get<std::string>()) >= 3;
      },
      Millis(30'000)));

  // Every rule: healthy, and every recording rule has data.
  Json groups;
  ASSERT_TRUE(WaitFor(
      [&] {
        groups = prometheus.Api("/api/v1/rules")["data"]["groups"];
        if (!groups.is_array() || groups.size() != 2) return false;
        for (const Json& group : groups) {
          for (const Json& rule : group["rules"]) {
            if (rule.value("type", "") == "recording" && prometheus.Query(rule["name"]).empty()) return false;
          }
        }
        return true;
      },
      Millis(30'000)))
      << "a recording rule recorded nothing: " << groups.dump();
  size_t alerts = 0;
  for (const Json& group : groups) {
    for (const Json& rule : group["rules"]) {
      EXPECT_EQ(rule.value("health", ""), "ok") << rule.dump();
      alerts += rule.value("type", "") == "alerting" ? 1 : 0;
    }
  }
  EXPECT_EQ(alerts, 18u);

  // Every Grafana panel's query parses and returns data.
  const Json dashboard = ParseObject(ReadSource("deploy/grafana/deliverer.json"));
  ASSERT_TRUE(dashboard.is_object()) << "deploy/grafana/deliverer.json is not JSON";
  size_t queries = 0;
  for (const Json& panel : dashboard["panels"]) {
    for (const Json& target : panel["targets"]) {
      const std::string expr = target["expr"];
      const Json result = prometheus.Query(expr);
      EXPECT_TRUE(result.is_array()) << panel["title"] << ": does not parse: " << expr;
      EXPECT_FALSE(result.is_array() && result.empty()) << panel["title"] << ": no data: " << expr;
      ++queries;
    }
  }
  EXPECT_GE(queries, 20u);
}

}  // namespace
}  // namespace deliverer::integration
