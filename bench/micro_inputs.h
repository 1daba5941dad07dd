#pragma once
// Realistic inputs shared by the micro-benchmarks: message bodies as producers send them.
// Each benchmark checks its input once, before timing, and reports an error instead of a
// figure when the input does not take the path the row claims to measure.
#include <string_view>

namespace deliverer::bench {

// 76 GSM-7 characters: one segment.
inline constexpr std::string_view kGsm7Single =
    "Your verification code is 482913. It expires in 10 minutes. Do not share it.";

// 55 characters of Hindi (Devanagari, all in the BMP): one UCS-2 segment.
inline constexpr std::string_view kUcs2Single =
    "आपका सत्यापन कोड 482913 है। यह 10 मिनट में समाप्त होगा।";

// 420 GSM-7 characters: three segments of at most 153 septets.
inline constexpr std::string_view kGsm7ThreePart =
    "Hello Alex, your order #88412 has shipped and is on its way. Your parcel will be "
    "delivered by our courier between 9:00 and 13:00 on Thursday. If nobody is home, the "
    "driver will leave it with a neighbour or at the nearest pick-up point and leave a "
    "card with the address. You can follow it, change the delivery day or choose a safe "
    "place at any time from your account page. Questions? Reply HELP. Thank you for your "
    "order!";

// 164 characters of Cyrillic: three UCS-2 segments of at most 67 units.
inline constexpr std::string_view kUcs2ThreePart =
    "Здравствуйте, Алексей! Ваш заказ №88412 отправлен. Курьер доставит его в четверг с "
    "9:00 до 13:00. Если вас не будет дома, посылку оставят в ближайшем пункте выдачи.";

// The SMPP 3.4 Appendix B receipt text as carriers send it for a delivered message.
inline constexpr std::string_view kReceiptText =
    "id:0A1B2C3D4E sub:001 dlvrd:001 submit date:2611261015 done date:2611261015 "
    "stat:DELIVRD err:000 text:Your verification c";

}  // namespace deliverer::bench
