#pragma once
// Loading a configuration from a string in the config tests.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "config/config.h"

namespace deliverer::config::testing {

// The detail of the error loading `toml` as "deliverer.toml"; fails the test if it loads.
inline std::string ErrorOf(std::string_view toml) {
  Result<Config> result = LoadString(toml, "deliverer.toml");
  if (result.ok()) {
    ADD_FAILURE() << "loaded without error:\n" << toml;
    return {};
  }
  EXPECT_EQ(result.error().code, "invalid_config");
  return result.error().detail;
}

// The configuration `toml` gives; fails the test if it does not load.
inline Config Load(std::string_view toml) {
  Result<Config> result = LoadString(toml, "deliverer.toml");
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().detail);
  return result.ok() ? std::move(result).value() : Config{};
}

}  // namespace deliverer::config::testing
