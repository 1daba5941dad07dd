#pragma once
// The numbering plan on its own, for components that must place a number without
// validating a request: the delivery engine routes its reply to a keyword MO by the
// subscriber's region. The verdict is the one POST /v1/messages gives its `to`.
#include <optional>
#include <string>
#include <string_view>

namespace deliverer::validation {

// The region ("GB"; "001" for non-geographic numbers) of a valid, internationally
// diallable number written exactly in E.164 form; nullopt for anything else.
std::optional<std::string> RegionOf(std::string_view e164);

}  // namespace deliverer::validation
