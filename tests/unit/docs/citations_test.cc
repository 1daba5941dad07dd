// The project stands on its own: every page a comment, a test or a document cites is in
// the repository's docs/, and every section it names (a page followed by a quoted section name) is a heading of
// that page, so a reader of a fresh clone can follow each reference.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
const fs::path kRoot = DELIVERER_SOURCE_DIR;

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every heading of every page under docs/, by its path from the repository's root.
std::map<std::string, std::vector<std::string>> Headings() {
  std::map<std::string, std::vector<std::string>> pages;
  const std::regex heading(R"(^#+\s+(.*?)\s*$)");
  for (const auto& entry : fs::recursive_directory_iterator(kRoot / "docs")) {
    if (entry.path().extension() != ".md") continue;
    std::vector<std::string>& found = pages[fs::relative(entry.path(), kRoot).string()];
    std::istringstream lines(Read(entry.path()));
    for (std::string line; std::getline(lines, line);) {
      std::smatch m;
      if (std::regex_match(line, m, heading)) found.push_back(m[1]);
    }
  }
  return pages;
}

// A comment's continuation lines joined, so that a citation cut by a line break reads whole.
std::string Joined(const std::string& text) {
  static const std::regex continuation(R"(\n\s*(//|#)?\s*)");
  return std::regex_replace(text, continuation, " ");
}

bool Cites(const std::vector<std::string>& headings, const std::string& section) {
  for (const std::string& h : headings) {
    if (h.rfind(section, 0) == 0) return true;  // a heading may go on past the cited words
  }
  return false;
}

TEST(Citations, EveryCitedPageAndSectionIsInTheRepository) {
  const auto pages = Headings();
  ASSERT_FALSE(pages.empty());
  const std::regex citation(R"(docs/([\w/.-]+\.md)(?:\s+\"([^\"]+)\")?)");
  const std::set<std::string> kinds = {".h", ".cc", ".md", ".txt", ".toml", ".sh", ".yml", ".yaml", ".js"};
  std::vector<std::string> broken;
  size_t checked = 0;
  for (const char* folder : {"src", "tests", "docs", "deploy", "scripts"}) {
    if (!fs::exists(kRoot / folder)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(kRoot / folder)) {
      const bool container_file = entry.path().filename() == "Containerfile";
      if (!entry.is_regular_file() || !(container_file || kinds.contains(entry.path().extension().string()))) {
        continue;
      }
      if (entry.path().filename() == "citations_test.cc") continue;  // its examples cite nothing
      const std::string text = Joined(Read(entry.path()));
      for (std::sregex_iterator it(text.begin(), text.end(), citation), end; it != end; ++it) {
        const std::string page = "docs/" + (*it)[1].str();
        const std::string where = fs::relative(entry.path(), kRoot).string() + " cites " + page;
        ++checked;
        const auto found = pages.find(page);
        if (found == pages.end()) {
          broken.push_back(where + " (no such page)");
        } else if ((*it)[2].matched && !Cites(found->second, (*it)[2].str())) {
          broken.push_back(where + " \"" + (*it)[2].str() + "\" (no such section)");
        }
      }
    }
  }
  EXPECT_GT(checked, 100u) << "the scan found too few citations to be looking in the right place";
  for (const std::string& b : broken) ADD_FAILURE() << b;
}

TEST(Citations, NothingPointsOutsideTheRepository) {
  const std::regex outside(R"((\.\./shared|shared/spec|/work/))");
  for (const char* folder : {"src", "tests", "docs"}) {
    for (const auto& entry : fs::recursive_directory_iterator(kRoot / folder)) {
      if (!entry.is_regular_file() || entry.path().filename() == "citations_test.cc") continue;
      const std::string ext = entry.path().extension().string();
      if (ext != ".h" && ext != ".cc" && ext != ".md") continue;
      EXPECT_FALSE(std::regex_search(Read(entry.path()), outside)) << entry.path();
    }
  }
}

}  // namespace
