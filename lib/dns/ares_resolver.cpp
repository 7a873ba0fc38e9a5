#include "dns/ares_resolver.h"

#include <ares.h>
#include <arpa/inet.h>
#include <poll.h>

#include <array>
#include <cerrno>
#include <memory>
#include <mutex>

#include "core/error.h"
#include "core/text.h"

namespace postern::dns {

namespace {

constexpr int kClassIn = 1;  // RFC 1035 §3.2.4
constexpr int kTypeA = 1;    // RFC 1035 §3.2.2
constexpr int kTypeMx = 15;
constexpr int kTypeTxt = 16;
constexpr int kTypeAaaa = 28;  // RFC 3596 §2.1

void initLibrary() {
  // ares_library_init is not thread-safe and must precede every channel; once per process is enough.
  static std::once_flag once;
  static int status = ARES_SUCCESS;
  std::call_once(once, [] { status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (status != ARES_SUCCESS)
    throw core::Error::temporary(std::string("c-ares initialisation failed: ") + ares_strerror(status));
}

bool isIpv6(const std::string& host) {
  in6_addr a6{};
  return inet_pton(AF_INET6, host.c_str(), &a6) == 1;
}

bool isIpv4(const std::string& host) {
  in_addr a4{};
  return inet_pton(AF_INET, host.c_str(), &a4) == 1;
}

std::uint16_t parsePort(std::string_view text, std::string_view item) {
  const auto refuse = [&] {
    return core::InvalidValue("dns.resolvers", "not a port number in \"" + std::string(item) + "\"");
  };
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string_view::npos)
    throw refuse();
  unsigned value = 0;
  for (char c : text) value = value * 10 + static_cast<unsigned>(c - '0');
  if (value == 0 || value > 65535) throw refuse();
  return static_cast<std::uint16_t>(value);
}

ServerAddress parseServer(std::string_view item) {
  ServerAddress server;
  if (!item.empty() && item.front() == '[') {
    const auto close = item.find(']');
    if (close == std::string_view::npos)
      throw core::InvalidValue("dns.resolvers", "missing ']' in \"" + std::string(item) + "\"");
    server.host = std::string(item.substr(1, close - 1));
    const auto rest = item.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        throw core::InvalidValue("dns.resolvers",
                                 "unexpected text after ']' in \"" + std::string(item) + "\"");
      server.port = parsePort(rest.substr(1), item);
    }
    if (!isIpv6(server.host))
      throw core::InvalidValue("dns.resolvers", "not an IPv6 address in \"" + std::string(item) + "\"");
    return server;
  }
  const auto colon = item.find(':');
  if (colon != std::string_view::npos && item.find(':', colon + 1) == std::string_view::npos) {
    server.host = std::string(item.substr(0, colon));
    server.port = parsePort(item.substr(colon + 1), item);
  } else {
    server.host = std::string(item);
  }
  if (!isIpv4(server.host) && !isIpv6(server.host))
    throw core::InvalidValue("dns.resolvers", "\"" + std::string(item) +
                                                  "\" is not an IP address (a resolver is named by address)");
  return server;
}

struct ChannelDeleter {
  void operator()(ares_channeldata* c) const { ares_destroy(c); }
};
using Channel = std::unique_ptr<ares_channeldata, ChannelDeleter>;

template <class T>
struct AresDataDeleter {
  void operator()(T* p) const { ares_free_data(p); }
};

template <class Record>
Answer<Record> failureOf(int status) {
  switch (status) {
    case ARES_ENOTFOUND:
      return Answer<Record>::noSuchName();
    case ARES_ENODATA:
      return Answer<Record>::noRecords();
    case ARES_ETIMEOUT:
    case ARES_ECANCELLED:  // our own deadline passed (AresResolver::ask)
      return Answer<Record>::failedWith(FailureKind::Timeout, describe(FailureKind::Timeout));
    case ARES_ESERVFAIL:
      return Answer<Record>::failedWith(FailureKind::ServerFailure, describe(FailureKind::ServerFailure));
    case ARES_EREFUSED:
      return Answer<Record>::failedWith(FailureKind::Refused, describe(FailureKind::Refused));
    case ARES_ECONNREFUSED:
      return Answer<Record>::failedWith(FailureKind::Refused,
                                        "nothing answers DNS at the resolver's address");
    case ARES_EFORMERR:
    case ARES_EBADRESP:
    case ARES_EBADNAME:
      return Answer<Record>::failedWith(FailureKind::BadResponse, describe(FailureKind::BadResponse));
    default:
      return Answer<Record>::failedWith(FailureKind::Other,
                                        std::string("lookup failed: ") + ares_strerror(status));
  }
}

}  // namespace

std::string ServerAddress::str() const {
  const std::string h = isIpv6(host) ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

std::vector<ServerAddress> parseServerList(std::string_view text) {
  std::vector<ServerAddress> servers;
  for (const auto& item : core::splitList(text)) servers.push_back(parseServer(item));
  if (servers.empty()) throw core::InvalidValue("dns.resolvers", "no resolver address given");
  return servers;
}

struct AresResolver::Reply {
  bool done = false;
  int status = ARES_ECANCELLED;
  std::vector<unsigned char> message;
};

AresResolver::AresResolver(ResolverSettings settings) : settings_(std::move(settings)) {
  if (settings_.timeout.count() < 1 || settings_.timeout > std::chrono::seconds(60))
    throw core::InvalidValue("dns.timeout", "the DNS timeout must be between 1 ms and 60 s");
  if (settings_.tries < 1 || settings_.tries > 5)
    throw core::InvalidValue("dns.tries", "the number of DNS tries must be between 1 and 5");
  std::vector<std::string> items;
  for (const auto& s : settings_.servers) items.push_back(s.str());
  serversCsv_ = core::join(items, ",");
  initLibrary();
}

std::vector<AresResolver::Reply> AresResolver::ask(const std::string& name, const std::vector<int>& types) {
  // The replies outlive the channel: ares_destroy calls the callbacks of unfinished queries.
  std::vector<Reply> replies(types.size());
  ares_options options{};
  options.timeout = static_cast<int>(settings_.timeout.count());
  options.tries = settings_.tries;
  ares_channel raw = nullptr;
  int status = ares_init_options(&raw, &options, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
  Channel channel(raw);
  if (status == ARES_SUCCESS && !serversCsv_.empty())
    status = ares_set_servers_ports_csv(channel.get(), serversCsv_.c_str());
  if (status != ARES_SUCCESS) {
    // A channel that cannot be set up (no memory, no usable resolver) is a failed lookup like any other.
    for (auto& r : replies) r = Reply{true, status, {}};
    return replies;
  }

  // c-ares doubles the timeout on each later round; our own deadline keeps the total to what the settings
  // promise: one timeout per try per server.
  std::size_t servers = settings_.servers.size();
  if (servers == 0) {
    ares_addr_port_node* list = nullptr;
    if (ares_get_servers_ports(channel.get(), &list) == ARES_SUCCESS)
      for (auto* n = list; n; n = n->next) ++servers;
    ares_free_data(list);
  }
  const auto budget =
      settings_.timeout * settings_.tries * static_cast<int>(std::max<std::size_t>(servers, 1));
  const auto deadline = std::chrono::steady_clock::now() + budget;

  const auto callback = [](void* arg, int result, int, unsigned char* message, int length) {
    auto* reply = static_cast<Reply*>(arg);
    reply->done = true;
    reply->status = result;
    if (message && length > 0) reply->message.assign(message, message + length);
  };
  const std::string query = name.empty() || name.back() != '.' ? name : name.substr(0, name.size() - 1);
  for (std::size_t i = 0; i < types.size(); ++i)
    ares_query(channel.get(), query.c_str(), kClassIn, types[i], callback, &replies[i]);

  const auto pending = [&] {
    for (const auto& r : replies)
      if (!r.done) return true;
    return false;
  };
  while (pending()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ares_cancel(channel.get());  // calls the callbacks with ARES_ECANCELLED
      break;
    }
    std::array<ares_socket_t, ARES_GETSOCK_MAXNUM> sockets{};
    const int bits = ares_getsock(channel.get(), sockets.data(), ARES_GETSOCK_MAXNUM);
    std::vector<pollfd> fds;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
      if (events) fds.push_back(pollfd{sockets[static_cast<std::size_t>(i)], events, 0});
    }
    timeval most{static_cast<time_t>(left.count() / 1000),
                 static_cast<suseconds_t>(left.count() % 1000 * 1000)};
    timeval wait{};
    ares_timeout(channel.get(), &most, &wait);
    const int ms = static_cast<int>(wait.tv_sec * 1000 + (wait.tv_usec + 999) / 1000);
    const int ready = poll(fds.data(), fds.size(), ms);
    if (ready < 0 && errno != EINTR) {
      ares_cancel(channel.get());
      break;
    }
    if (ready <= 0) {
      ares_process_fd(channel.get(), ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // runs the timeouts
      continue;
    }
    for (const auto& fd : fds) {
      const bool readable = fd.revents & (POLLIN | POLLERR | POLLHUP);
      const bool writable = fd.revents & POLLOUT;
      if (readable || writable)
        ares_process_fd(channel.get(), readable ? fd.fd : ARES_SOCKET_BAD,
                        writable ? fd.fd : ARES_SOCKET_BAD);
    }
  }
  return replies;
}

TxtAnswer AresResolver::txt(const std::string& name) {
  auto reply = std::move(ask(name, {kTypeTxt}).front());
  if (reply.status != ARES_SUCCESS) return failureOf<TxtRecord>(reply.status);
  ares_txt_ext* list = nullptr;
  const int status =
      ares_parse_txt_reply_ext(reply.message.data(), static_cast<int>(reply.message.size()), &list);
  std::unique_ptr<ares_txt_ext, AresDataDeleter<ares_txt_ext>> owner(list);
  if (status != ARES_SUCCESS) return failureOf<TxtRecord>(status);
  std::vector<TxtRecord> records;
  for (auto* s = list; s; s = s->next) {
    // c-ares lists every character-string; record_start marks the first string of each record.
    if (s->record_start || records.empty()) records.emplace_back();
    records.back().strings.emplace_back(reinterpret_cast<const char*>(s->txt), s->length);
  }
  return TxtAnswer::of(std::move(records));
}

MxAnswer AresResolver::mx(const std::string& name) {
  auto reply = std::move(ask(name, {kTypeMx}).front());
  if (reply.status != ARES_SUCCESS) return failureOf<MxRecord>(reply.status);
  ares_mx_reply* list = nullptr;
  const int status = ares_parse_mx_reply(reply.message.data(), static_cast<int>(reply.message.size()), &list);
  std::unique_ptr<ares_mx_reply, AresDataDeleter<ares_mx_reply>> owner(list);
  if (status != ARES_SUCCESS) return failureOf<MxRecord>(status);
  std::vector<MxRecord> records;
  for (auto* m = list; m; m = m->next) records.push_back(MxRecord{m->priority, m->host});
  return MxAnswer::of(std::move(records));
}

AddressAnswer AresResolver::addresses(const std::string& name) {
  auto replies = ask(name, {kTypeA, kTypeAaaa});
  std::vector<std::string> found;
  bool anyName = false;
  for (std::size_t i = 0; i < replies.size(); ++i) {
    const auto& reply = replies[i];
    if (reply.status == ARES_ENODATA) anyName = true;
    if (reply.status == ARES_ENODATA || reply.status == ARES_ENOTFOUND) continue;
    if (reply.status != ARES_SUCCESS) return failureOf<std::string>(reply.status);
    const auto* data = reply.message.data();
    const int length = static_cast<int>(reply.message.size());
    char text[INET6_ADDRSTRLEN] = {};
    if (i == 0) {
      std::array<ares_addrttl, 32> out{};
      int count = static_cast<int>(out.size());
      const int status = ares_parse_a_reply(data, length, nullptr, out.data(), &count);
      if (status == ARES_ENODATA) continue;
      if (status != ARES_SUCCESS) return failureOf<std::string>(status);
      for (int k = 0; k < count; ++k)
        if (inet_ntop(AF_INET, &out[static_cast<std::size_t>(k)].ipaddr, text, sizeof text))
          found.emplace_back(text);
    } else {
      std::array<ares_addr6ttl, 32> out{};
      int count = static_cast<int>(out.size());
      const int status = ares_parse_aaaa_reply(data, length, nullptr, out.data(), &count);
      if (status == ARES_ENODATA) continue;
      if (status != ARES_SUCCESS) return failureOf<std::string>(status);
      for (int k = 0; k < count; ++k)
        if (inet_ntop(AF_INET6, &out[static_cast<std::size_t>(k)].ip6addr, text, sizeof text))
          found.emplace_back(text);
    }
    anyName = true;
  }
  if (!found.empty()) return AddressAnswer::of(std::move(found));
  return anyName ? AddressAnswer::noRecords() : AddressAnswer::noSuchName();
}

}  // namespace postern::dns
