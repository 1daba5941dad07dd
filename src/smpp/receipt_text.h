#pragma once
// Internal to the smpp component: the tolerant reader of the receipt text form.
#include <string_view>

#include "smpp/receipt.h"

namespace deliverer::smpp::internal {

// Every text field it finds; message_id and text_id both hold the text's id. Never fails.
Receipt ReadReceiptText(std::string_view text);

}  // namespace deliverer::smpp::internal
