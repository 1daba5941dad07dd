// Blocks of random bytes: every byte handed out once, any length, and a forked child does
// not hand out the bytes its parent will (ids and nonces must never repeat).
#include "common/random_bytes.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/ids.h"

namespace deliverer {
namespace {

std::string Draw(size_t n) {
  std::string out(n, '\0');
  FillRandom(out.data(), n);
  return out;
}

TEST(RandomBytesTest, NoDrawRepeatsAcrossManyBlocksAndThreads) {
  EnsureCryptoReady();
  std::set<std::string> seen;
  for (int i = 0; i < 20'000; ++i) ASSERT_TRUE(seen.insert(Draw(16)).second) << "draw " << i << " repeated";
  std::vector<std::string> other(2'000);
  std::thread([&] {
    for (auto& draw : other) draw = Draw(16);
  }).join();
  for (const auto& draw : other) EXPECT_TRUE(seen.insert(draw).second) << "another thread repeated a draw";
}

TEST(RandomBytesTest, AnyLengthIsFilledWholly) {
  EnsureCryptoReady();
  for (size_t n : {size_t{1}, size_t{24}, size_t{255}, size_t{256}, size_t{257}, size_t{5000}}) {
    // Two draws of n bytes agreeing on every byte would mean parts were left unfilled.
    const std::string a = Draw(n);
    const std::string b = Draw(n);
    size_t equal = 0;
    for (size_t i = 0; i < n; ++i) equal += a[i] == b[i] ? 1 : 0;
    EXPECT_LT(equal, n / 8 + 2) << n << " bytes";
  }
}

TEST(RandomBytesTest, AForkedChildDoesNotRepeatItsParentsNextBytes) {
  EnsureCryptoReady();
  (void)Draw(16);  // the block is filled, with bytes left in it
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string mine = Draw(32);
    _exit(write(pipe_fds[1], mine.data(), mine.size()) == 32 ? 0 : 1);
  }
  close(pipe_fds[1]);
  const std::string parents = Draw(32);
  std::string childs(32, '\0');
  EXPECT_EQ(read(pipe_fds[0], childs.data(), childs.size()), 32);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_NE(parents, childs) << "the child handed out its parent's next bytes";
}

}  // namespace
}  // namespace deliverer
