// GET /v1/messages (docs/api.md): filters, limits, and cursor pagination that is newest first
// and stable while new messages arrive.
#include <algorithm>
#include <set>
#include <thread>

#include "integration/harness.h"

namespace deliverer::integration {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

struct Page {
  std::vector<std::string> ids;
  std::vector<std::string> created_at;
  Json next_cursor;
};

class ListTest : public ::testing::Test {
 protected:
  // Posts a message and returns its id.
  std::string Send(const std::string& to = kTo, const std::string& from = kFrom,
                   const std::string& client_ref = "") {
    Json message = Message(to);
    message["from"] = from;
    if (!client_ref.empty()) message["client_ref"] = client_ref;
    HttpResponse r = server_.Post("/v1/messages", message, key_);
    EXPECT_TRUE(HasStatus(r, 202));
    return StringField(r.json, "message_id");
  }
  std::vector<std::string> SendMany(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) ids.push_back(Send());
    return ids;
  }
  HttpResponse List(const Params& params) const {
    return server_.Get("/v1/messages" + Query(params), key_);
  }
  // One page; checks the shape of the answer and of each item.
  Page Fetch(const Params& params) const {
    HttpResponse r = List(params);
    Page page;
    EXPECT_TRUE(HasStatus(r, 200));
    if (!r.json.is_object() || !r.json["data"].is_array()) {
      ADD_FAILURE() << "no `data` array: " << r;
      return page;
    }
    EXPECT_TRUE(r.json.contains("next_cursor")) << r;
    page.next_cursor = r.json.value("next_cursor", Json());
    for (const Json& item : r.json["data"]) {
      EXPECT_FALSE(item.contains("events")) << "list items come without events: " << item;
      EXPECT_FALSE(item.contains("body")) << item;
      page.ids.push_back(StringField(item, "message_id"));
      page.created_at.push_back(StringField(item, "created_at"));
    }
    return page;
  }
  std::set<std::string> IdSet(const Params& params) const {
    Page page = Fetch(params);
    return {page.ids.begin(), page.ids.end()};
  }

  DelivererProcess server_;
  std::string key_ = server_.CreateKey("acme", kSendRead);
};

void ExpectNewestFirst(const std::vector<std::string>& created_at) {
  for (size_t i = 1; i < created_at.size(); ++i) {
    EXPECT_GE(created_at[i - 1], created_at[i]) << "not newest first at position " << i;
  }
}

TEST_F(ListTest, FiltersByToFromClientRefAndStatus) {
  std::string m1 = Send(kTo, kFrom, "ref-1");
  std::string m2 = Send(kToFr, "Acme", "ref-2");
  std::string m3 = Send(kToFr, kFrom, "ref-2");
  using Set = std::set<std::string>;

  EXPECT_EQ(IdSet({}), (Set{m1, m2, m3}));
  EXPECT_EQ(IdSet({{"to", kToFr}}), (Set{m2, m3}));
  EXPECT_EQ(IdSet({{"from", "Acme"}}), (Set{m2}));
  EXPECT_EQ(IdSet({{"from", kFrom}}), (Set{m1, m3}));
  EXPECT_EQ(IdSet({{"client_ref", "ref-2"}}), (Set{m2, m3}));
  EXPECT_EQ(IdSet({{"to", kToFr}, {"from", kFrom}}), (Set{m3}));
  EXPECT_EQ(IdSet({{"status", "queued"}}), (Set{m1, m2, m3}));
  EXPECT_EQ(IdSet({{"status", "delivered"}}), Set{});
  EXPECT_EQ(IdSet({{"client_ref", "no-such-ref"}}), Set{});
}

TEST_F(ListTest, SinceAndUntilFilterOnCreatedAt) {
  std::string early = Send();
  Page page = Fetch({});
  ASSERT_EQ(page.ids.size(), 1u);
  SysMillis early_at = ParseRfc3339Millis(page.created_at[0]);
  // Let the clock pass so the next message is created at least 2 ms later.
  std::this_thread::sleep_until(std::chrono::system_clock::time_point(early_at + Millis(3)));
  std::string late = Send();
  std::string between = FormatRfc3339Millis(early_at + Millis(1));
  using Set = std::set<std::string>;

  EXPECT_EQ(IdSet({{"since", between}}), Set{late});
  EXPECT_EQ(IdSet({{"until", between}}), Set{early});
  EXPECT_EQ(IdSet({{"since", FormatRfc3339Millis(early_at - Millis(60000))},
                   {"until", FormatRfc3339Millis(early_at + Millis(60000))}}),
            (Set{early, late}));
  EXPECT_EQ(IdSet({{"since", FormatRfc3339Millis(early_at + Millis(60000))}}), Set{});
}

TEST_F(ListTest, LimitCapsThePage) {
  SendMany(3);

  Page page = Fetch({{"limit", "2"}});

  EXPECT_EQ(page.ids.size(), 2u);
  EXPECT_TRUE(page.next_cursor.is_string()) << page.next_cursor;
  Page all = Fetch({{"limit", "1000"}});
  EXPECT_EQ(all.ids.size(), 3u);
  EXPECT_TRUE(all.next_cursor.is_null()) << all.next_cursor;
}

TEST_F(ListTest, DefaultLimitIs100) {
  SendMany(101);

  Page page = Fetch({});

  EXPECT_EQ(page.ids.size(), 100u);
  EXPECT_TRUE(page.next_cursor.is_string()) << page.next_cursor;
}

TEST_F(ListTest, LimitOutsideOneToThousandIs400) {
  for (const char* limit : {"0", "1001", "-1", "ten"}) {
    SCOPED_TRACE(limit);
    EXPECT_TRUE(IsProblem(List({{"limit", limit}}), 400, "invalid_field", "limit"));
  }
}

TEST_F(ListTest, UnknownStatusFilterIs400) {
  EXPECT_TRUE(IsProblem(List({{"status", "bogus"}}), 400, "invalid_field", "status"));
}

TEST_F(ListTest, CursorPagesAreNewestFirstWithoutDuplicates) {
  std::vector<std::string> sent = SendMany(25);

  std::vector<Page> pages = {Fetch({{"limit", "10"}})};
  while (pages.back().next_cursor.is_string() && pages.size() < 5) {
    pages.push_back(
        Fetch({{"limit", "10"}, {"cursor", pages.back().next_cursor.get<std::string>()}}));
  }

  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(pages[0].ids.size(), 10u);
  EXPECT_EQ(pages[1].ids.size(), 10u);
  EXPECT_EQ(pages[2].ids.size(), 5u);
  EXPECT_TRUE(pages[2].next_cursor.is_null());
  std::vector<std::string> ids, created_at;
  for (const Page& page : pages) {
    ids.insert(ids.end(), page.ids.begin(), page.ids.end());
    created_at.insert(created_at.end(), page.created_at.begin(), page.created_at.end());
  }
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "duplicates";
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()),
            std::set<std::string>(sent.begin(), sent.end()));
  ExpectNewestFirst(created_at);
  EXPECT_EQ(ids.front(), sent.back()) << "the newest message comes first";
}

TEST_F(ListTest, CursorPaginationIsStableWhileMessagesArrive) {
  std::vector<std::string> original = SendMany(25);

  Page first = Fetch({{"limit", "10"}});
  std::vector<std::string> newcomers = SendMany(5);
  ASSERT_TRUE(first.next_cursor.is_string());
  Page second = Fetch({{"limit", "10"}, {"cursor", first.next_cursor.get<std::string>()}});
  std::vector<std::string> more = SendMany(5);
  ASSERT_TRUE(second.next_cursor.is_string());
  Page third = Fetch({{"limit", "10"}, {"cursor", second.next_cursor.get<std::string>()}});

  EXPECT_EQ(first.ids.size(), 10u);
  EXPECT_EQ(second.ids.size(), 10u);
  EXPECT_EQ(third.ids.size(), 5u);
  EXPECT_TRUE(third.next_cursor.is_null());
  std::vector<std::string> seen = first.ids;
  seen.insert(seen.end(), second.ids.begin(), second.ids.end());
  seen.insert(seen.end(), third.ids.begin(), third.ids.end());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size()) << "duplicates";
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()),
            std::set<std::string>(original.begin(), original.end()))
      << "later pages must neither show new messages nor skip old ones";

  Page fresh = Fetch({{"limit", "10"}});
  EXPECT_EQ(fresh.ids.front(), more.back()) << "a new first page starts with the newest";
}

}  // namespace
}  // namespace deliverer::integration
