#include "dns/resolver.h"

namespace postern::dns {

std::string TxtRecord::text() const {
  std::string joined;
  for (const auto& s : strings) joined += s;
  return joined;
}

std::string describe(FailureKind kind) {
  switch (kind) {
    case FailureKind::None:
      return "no failure";
    case FailureKind::Timeout:
      return "the DNS server did not answer in time";
    case FailureKind::ServerFailure:
      return "the DNS server reported a failure (SERVFAIL)";
    case FailureKind::Refused:
      return "the DNS server refused the query";
    case FailureKind::BadResponse:
      return "the DNS server sent an answer that could not be read";
    case FailureKind::Other:
      break;
  }
  return "the lookup failed";
}

}  // namespace postern::dns
