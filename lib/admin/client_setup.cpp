#include "admin/client_setup.h"

#include <algorithm>

#include "clientconfig/apple_profile.h"
#include "clientconfig/autoconfig.h"
#include "clientconfig/autodiscover.h"
#include "clientconfig/requested_address.h"
#include "core/error.h"
#include "core/text.h"

namespace postern::admin {

namespace {

const char* const kUnknown = "no mail settings for this address";

}  // namespace

std::string ClientSetup::requireKnownDomain(std::string_view domain) {
  const std::string name = core::toLowerAscii(domain);
  const auto known = domains_.senderDomains();
  if (name.empty() || std::find(known.begin(), known.end(), name) == known.end())
    throw core::NotFound(kUnknown);
  return name;
}

std::string ClientSetup::autoconfig(std::string_view address, std::string_view domain) {
  if (!address.empty()) {
    const auto requested = clientconfig::requestedAddress(address);
    if (!requested) throw core::NotFound(kUnknown);
    return clientconfig::thunderbirdAutoconfig(settings_, requireKnownDomain(requested->domain));
  }
  return clientconfig::thunderbirdAutoconfig(settings_, requireKnownDomain(domain));
}

AutodiscoverAnswer ClientSetup::autodiscover(std::string_view body) {
  const auto request = clientconfig::parseAutodiscoverRequest(body);
  if (!clientconfig::wantsOutlookSchema(request)) return {clientconfig::autodiscoverSchemaNotAvailable()};
  return autodiscoverFor(request.emailAddress);
}

AutodiscoverAnswer ClientSetup::autodiscoverFor(std::string_view address) {
  const auto requested = clientconfig::requestedAddress(address);
  if (!requested) throw core::NotFound(kUnknown);
  requireKnownDomain(requested->domain);
  return {clientconfig::autodiscoverResponse(settings_, requested->address)};
}

std::string ClientSetup::profileOf(std::string_view login) {
  const auto user = users_.findByLogin(login);
  if (!user) throw core::NotFound("no such user: " + std::string(login));
  return clientconfig::appleProfile(settings_, user->login);
}

ProfileDownload ClientSetup::profileWithPassword(std::string_view login, std::string_view password,
                                                 const std::string& clientAddress) {
  auto attempt = throttle_.tryReserve(clientKey_(clientAddress));
  if (!attempt) return {ProfileDownload::Status::Throttled, {}, {}};
  const auth::VerifyResult result = verifier_.verify(login, password);
  switch (result.status) {
    case auth::VerifyResult::Status::Ok:
      attempt.release();
      return {ProfileDownload::Status::Ok, result.login, clientconfig::appleProfile(settings_, result.login)};
    case auth::VerifyResult::Status::Temporary:
      attempt.release();
      return {ProfileDownload::Status::Unavailable, {}, {}};
    case auth::VerifyResult::Status::Failed:
      break;
  }
  attempt.confirmFailure();
  return {ProfileDownload::Status::Refused, {}, {}};
}

}  // namespace postern::admin
