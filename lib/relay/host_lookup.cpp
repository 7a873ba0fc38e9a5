#include "relay/host_lookup.h"

#include <Poco/Net/DNS.h>
#include <Poco/Net/HostEntry.h>
#include <Poco/Net/NetException.h>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "relay/smarthost_socket.h"

namespace postern::relay {

namespace {

// Shared by the waiting caller and the resolver thread; whichever leaves last frees it.
struct PendingLookup {
  std::mutex mutex;
  std::condition_variable done;
  bool finished = false;
  std::vector<Poco::Net::IPAddress> addresses;
  std::string error;
};

std::atomic<std::size_t> lookupsRunning{0};

std::string lookupError(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const Poco::Net::HostNotFoundException&) {
    return "host not found";
  } catch (const Poco::Net::NoAddressFoundException&) {
    return "host not found";
  } catch (const Poco::Exception& e) {
    return e.displayText();
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "DNS lookup failed";
  }
}

}  // namespace

std::vector<Poco::Net::IPAddress> systemLookup(const std::string& host) {
  return Poco::Net::DNS::hostByName(host).addresses();
}

std::string secondsText(std::chrono::milliseconds limit) {
  const long long tenths = (limit.count() + 50) / 100;
  std::string text = std::to_string(tenths / 10);
  if (tenths % 10 != 0) text += "." + std::to_string(tenths % 10);
  return text + " s";
}

std::vector<Poco::Net::IPAddress> lookupWithin(const std::string& host, std::chrono::milliseconds limit,
                                               const BlockingLookup& lookup) {
  if (limit <= std::chrono::milliseconds(0))
    throw TransportError(TransportError::Kind::Timeout, "DNS lookup timed out after 0 s");
  if (lookupsRunning.fetch_add(1) >= kMaxAbandonedLookups) {
    lookupsRunning.fetch_sub(1);
    throw TransportError(TransportError::Kind::Failed,
                         "DNS lookup not started: " + std::to_string(kMaxAbandonedLookups) +
                             " earlier lookups are still unanswered");
  }
  auto pending = std::make_shared<PendingLookup>();
  BlockingLookup resolve = lookup ? lookup : BlockingLookup(systemLookup);
  try {
    std::thread([pending, resolve = std::move(resolve), host]() {
      std::vector<Poco::Net::IPAddress> addresses;
      std::string error;
      try {
        addresses = resolve(host);
        if (addresses.empty()) error = "host not found";
      } catch (...) {
        error = lookupError(std::current_exception());
      }
      {
        std::lock_guard lock(pending->mutex);
        pending->addresses = std::move(addresses);
        pending->error = std::move(error);
        pending->finished = true;
      }
      pending->done.notify_all();
      lookupsRunning.fetch_sub(1);
    }).detach();
  } catch (const std::system_error& e) {
    lookupsRunning.fetch_sub(1);
    throw TransportError(TransportError::Kind::Failed, std::string("DNS lookup not started: ") + e.what());
  }
  std::unique_lock lock(pending->mutex);
  if (!pending->done.wait_for(lock, limit, [&] { return pending->finished; }))
    throw TransportError(TransportError::Kind::Timeout, "DNS lookup timed out after " + secondsText(limit));
  if (!pending->error.empty()) throw TransportError(TransportError::Kind::Failed, pending->error);
  return std::move(pending->addresses);
}

}  // namespace postern::relay
