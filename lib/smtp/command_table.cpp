#include "smtp/command_table.h"

#include <array>

#include "core/text.h"

namespace postern::smtp {

namespace {

// clang-format off
constexpr std::array<CommandSpec, 14> kCommands{{
  //  verb             name        beforeTls helo   auth   endsGroup betweenChunks
  {Verb::Ehlo,     "EHLO",     true,  false, false, true,  true},   // resets the transaction
  {Verb::Helo,     "HELO",     true,  false, false, true,  true},
  {Verb::StartTls, "STARTTLS", true,  false, false, true,  true},   // RFC 3207 §4.2: anything after it is discarded
  {Verb::Auth,     "AUTH",     false, true,  false, true,  true},   // RFC 4954 §4: not over plaintext
  {Verb::Mail,     "MAIL",     false, true,  true,  false, false},
  {Verb::Rcpt,     "RCPT",     false, true,  true,  false, false},
  {Verb::Data,     "DATA",     false, true,  true,  true,  false},  // RFC 3030 §3: no DATA after BDAT
  {Verb::Bdat,     "BDAT",     false, true,  true,  false, true},   // RFC 3030 §4: may be pipelined
  {Verb::Rset,     "RSET",     true,  false, false, false, true},
  {Verb::Noop,     "NOOP",     true,  false, false, true,  true},
  {Verb::Vrfy,     "VRFY",     true,  false, false, true,  true},
  {Verb::Expn,     "EXPN",     true,  false, false, true,  true},
  {Verb::Help,     "HELP",     true,  false, false, false, true},
  {Verb::Quit,     "QUIT",     true,  false, false, true,  true},
}};
// clang-format on

}  // namespace

const CommandSpec* findCommand(std::string_view verb) {
  for (const auto& spec : kCommands)
    if (core::iequalsAscii(spec.name, verb)) return &spec;
  return nullptr;
}

}  // namespace postern::smtp
