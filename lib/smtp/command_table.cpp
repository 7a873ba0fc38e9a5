#include "smtp/command_table.h"

#include <array>

#include "core/text.h"

namespace postern::smtp {

namespace {

// clang-format off
constexpr std::array<CommandSpec, 13> kCommands{{
  //  verb             name        beforeTls helo   auth   endsGroup
  {Verb::Ehlo,     "EHLO",     true,  false, false, true},
  {Verb::Helo,     "HELO",     true,  false, false, true},
  {Verb::StartTls, "STARTTLS", true,  false, false, true},   // RFC 3207 §4.2: anything after it is discarded
  {Verb::Auth,     "AUTH",     false, true,  false, true},   // RFC 4954 §4: not over plaintext
  {Verb::Mail,     "MAIL",     false, true,  true,  false},
  {Verb::Rcpt,     "RCPT",     false, true,  true,  false},
  {Verb::Data,     "DATA",     false, true,  true,  true},
  {Verb::Rset,     "RSET",     true,  false, false, false},
  {Verb::Noop,     "NOOP",     true,  false, false, true},
  {Verb::Vrfy,     "VRFY",     true,  false, false, true},
  {Verb::Expn,     "EXPN",     true,  false, false, true},
  {Verb::Help,     "HELP",     true,  false, false, false},
  {Verb::Quit,     "QUIT",     true,  false, false, true},
}};
// clang-format on

}  // namespace

const CommandSpec* findCommand(std::string_view verb) {
  for (const auto& spec : kCommands)
    if (core::iequalsAscii(spec.name, verb)) return &spec;
  return nullptr;
}

}  // namespace postern::smtp
