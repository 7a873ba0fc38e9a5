#pragma once

#include "clientconfig/client_settings.h"

namespace postern::test {

// A configured host: both submission ports and an IMAP server at the mailbox provider.
inline clientconfig::ClientSettings configuredHost() {
  clientconfig::ClientSettings s;
  s.submissionHost = "mail.example.org";
  s.implicitTls = 465;
  s.startTls = 587;
  s.incoming = clientconfig::IncomingServer{clientconfig::IncomingProtocol::Imap, "imap.provider.example",
                                            993, clientconfig::Security::ImplicitTls};
  s.displayName = "Example Office";
  return s;
}

}  // namespace postern::test
