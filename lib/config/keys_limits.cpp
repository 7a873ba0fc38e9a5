// The sending limits' keys (README "Sending limits"): the defaults every user gets unless an administrator
// sets their own (postern user set, or the user's page in the admin UI).
#include "config/key_builders.h"

namespace postern::config {

using namespace keydefs;

std::vector<KeyDef> sendingLimitKeys() {
  return {
      number<std::uint64_t>(
          "limits.messages_per_hour",
          "Messages one user may submit per hour (a sliding window); more get 451 4.7.1 until older ones\n"
          "age out. 200 leaves a busy office worker far below it, while a stolen password sends at\n"
          "most 200 messages an hour through the smarthost account instead of thousands. 0: unlimited.",
          [](Config& c) -> std::uint64_t& { return c.limits.messagesPerHour; }, 0, 100000000),
      number<std::uint64_t>(
          "limits.recipients_per_day",
          "Recipients one user may address per day (a sliding 24 hours, counted over all their messages);\n"
          "the RCPTs past it get 451 4.7.1. 1000 covers a day of ordinary mail with newsletters to a\n"
          "few hundred people, and keeps a spam run small. 0: unlimited.",
          [](Config& c) -> std::uint64_t& { return c.limits.recipientsPerDay; }, 0, 100000000),
  };
}

}  // namespace postern::config
