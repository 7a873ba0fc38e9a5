#include "app/routes.h"

#include <algorithm>

#include "oauth/token_endpoint_client.h"
#include "relay/route_table.h"

namespace postern::app {
namespace {

constexpr auto kCheckInterval = std::chrono::seconds(1);
constexpr auto kRetryFailed = std::chrono::seconds(60);
constexpr auto kSlotWait = std::chrono::milliseconds(500);

relay::AuthOptions passwordAuth(const std::string& username, const std::string& password) {
  relay::AuthOptions auth;
  auth.mechanism = relay::AuthMechanism::Password;
  auth.username = username;
  auth.password = password;
  return auth;
}

relay::TlsMode tlsMode(std::string_view mode) {
  if (mode == "tls") return relay::TlsMode::Implicit;
  if (mode == "none") return relay::TlsMode::None;
  return relay::TlsMode::StartTls;
}

// The per-route settings over the global ones (timeouts, HELO name).
relay::RelayOptions baseOptions(const config::Config& cfg, const std::string& hostname) {
  relay::RelayOptions o;
  o.heloName = hostname;
  o.connectTimeout = cfg.relay.connectTimeout;
  o.commandTimeout = cfg.relay.commandTimeout;
  o.dataTimeout = cfg.relay.dataTimeout;
  o.idleTimeout = cfg.relay.idleTimeout;
  return o;
}

bool hasDefaultRoute(const std::vector<std::string>& senders) {
  return std::find(senders.begin(), senders.end(), "*") != senders.end();
}

relay::OutboundMessage outbound(const queue::QueuedMessage& message, const std::vector<std::size_t>& recipients) {
  relay::OutboundMessage out;
  out.sender = message.envelope.sender.str();
  for (const auto i : recipients) out.recipients.push_back(message.envelope.recipients.at(i).address.str());
  out.smtputf8 = message.envelope.smtputf8;
  out.eightBitMime = message.envelope.eightBitMime;
  out.prefix = message.prependedHeaders;
  out.bodyPath = message.bodyPath;
  out.bodySize = message.bodySize;
  return out;
}

queue::AttemptResult attemptResult(const relay::DeliveryReport& report) {
  queue::AttemptResult result;
  result.remote = report.smarthost;
  for (const auto& r : report.recipients) {
    const auto outcome = r.outcome == relay::Outcome::Delivered ? queue::AttemptOutcome::Delivered
                         : r.outcome == relay::Outcome::Failed  ? queue::AttemptOutcome::Failed
                                                                : queue::AttemptOutcome::Deferred;
    result.recipients.push_back(queue::RecipientAttempt{outcome, r.reply});
  }
  return result;
}

}  // namespace

relay::RelayOptions configRelayOptions(const config::Config& cfg, const std::string& hostname) {
  relay::RelayOptions o = baseOptions(cfg, hostname);
  for (const auto& host : cfg.relay.smarthosts) o.smarthosts.push_back(relay::Endpoint{host.host, host.port});
  switch (cfg.relay.tls) {
    case config::Config::RelayTls::StartTls: o.tls = relay::TlsMode::StartTls; break;
    case config::Config::RelayTls::Implicit: o.tls = relay::TlsMode::Implicit; break;
    case config::Config::RelayTls::None: o.tls = relay::TlsMode::None; break;
  }
  o.caFile = cfg.relay.caFile;
  if (!cfg.relay.username.empty()) o.auth = passwordAuth(cfg.relay.username, cfg.relay.password);
  o.maxConnections = cfg.relay.maxConnections;
  return o;
}

DeliveryRoutes::DeliveryRoutes(const config::Config& cfg, std::string hostname, routing::RouteAdmin& admin,
                               store::RouteRepository& repository, const core::Clock& clock)
    : cfg_(cfg),
      hostname_(std::move(hostname)),
      admin_(admin),
      repository_(repository),
      clock_(clock),
      logger_(Poco::Logger::get("relay")),
      tokenClient_(std::make_shared<oauth::TokenEndpointClient>()),
      router_(std::make_unique<relay::Router>(std::vector<relay::Route>{})) {
  refresh();
}

DeliveryRoutes::~DeliveryRoutes() { stop(); }

void DeliveryRoutes::stop() { router_->stop(); }

std::shared_ptr<oauth::TokenSource> DeliveryRoutes::tokenSource(const routing::ResolvedRoute& r) {
  const std::string key = r.name + "#" + r.version;
  if (const auto it = tokens_.find(key); it != tokens_.end()) return it->second;
  oauth::TokenRequest request;
  request.tokenEndpoint = r.oauthTokenUrl;
  request.clientId = r.oauthClientId;
  request.clientSecret = r.oauthClientSecret;
  request.scope = r.oauthScope;
  request.grant = r.oauthGrant == "refresh_token" ? oauth::Grant::RefreshToken : oauth::Grant::ClientCredentials;
  request.refreshToken = r.oauthRefreshToken;
  request.timeout = cfg_.relay.connectTimeout;
  const std::string name = r.name;
  auto source = std::make_shared<oauth::TokenSource>(
      std::move(request), tokenClient_, clock_, [this, name](const std::string& rotated) {
        admin_.storeRotatedRefreshToken(name, rotated);
        logger_.information("route " + name + ": the token endpoint issued a new refresh token; stored");
      });
  tokens_[key] = source;
  return source;
}

relay::Route DeliveryRoutes::usable(relay::Route route) {
  try {
    relay::Relay probe(route.options);  // validates the options and loads the CA file; no network
    return route;
  } catch (const std::exception& e) {
    logger_.error("route " + route.name + " cannot be used (" + e.what() + "): its mail is deferred until this is fixed");
    relay::Route unusable{route.name, route.senders, "unusable:" + route.version, baseOptions(cfg_, hostname_)};
    return unusable;
  }
}

std::vector<relay::Route> DeliveryRoutes::build(std::vector<std::string>& names,
                                                std::map<std::string, std::size_t>& capacity) {
  const routing::ResolveResult resolved = admin_.resolve();
  std::vector<relay::Route> routes;
  bool haveDefault = false;
  for (const auto& u : resolved.unusable) {
    // Its senders stay on it (no smarthost: their mail is deferred) instead of falling through to another
    // route with other credentials.
    logger_.error(u.error + ": its mail is deferred until this is fixed");
    relay::Route route{u.name, u.senders, "unusable", baseOptions(cfg_, hostname_)};
    haveDefault |= hasDefaultRoute(u.senders);
    names.push_back(u.name);
    routes.push_back(std::move(route));
  }
  std::map<std::string, std::shared_ptr<oauth::TokenSource>> keep;
  for (const auto& r : resolved.routes) {
    relay::Route route;
    route.name = r.name;
    route.senders = r.senders;
    route.version = r.version;
    route.options = baseOptions(cfg_, hostname_);
    for (const auto& [host, port] : r.hosts) route.options.smarthosts.push_back(relay::Endpoint{host, port});
    route.options.tls = tlsMode(r.tls);
    route.options.caFile = r.caFile;
    route.options.maxConnections = static_cast<std::size_t>(r.maxConnections);
    if (r.auth == "password") {
      route.options.auth = passwordAuth(r.username, r.password);
    } else if (r.auth == "xoauth2" || r.auth == "oauthbearer") {
      auto source = tokenSource(r);
      keep[r.name + "#" + r.version] = source;
      route.options.auth.mechanism =
          r.auth == "xoauth2" ? relay::AuthMechanism::XOAuth2 : relay::AuthMechanism::OAuthBearer;
      route.options.auth.username = r.username;
      route.options.auth.accessToken = [source] { return source->accessToken(); };
      route.options.auth.tokenRejectedFor = [source](const std::string& token) { source->invalidate(token); };
    }
    haveDefault |= hasDefaultRoute(r.senders);
    names.push_back(r.name);
    routes.push_back(usable(std::move(route)));
  }
  tokens_.swap(keep);  // token sources of changed or removed routes go with them
  if (!cfg_.relay.smarthosts.empty()) {
    if (haveDefault) {
      logger_.information("relay.smarthost is not used: the route table has a default (*) route");
    } else {
      relay::Route config{"config", {"*"}, "config", configRelayOptions(cfg_, hostname_)};
      names.push_back(config.name);
      routes.push_back(usable(std::move(config)));
    }
  }
  for (const auto& route : routes) capacity[route.name] = std::max<std::size_t>(1, route.options.maxConnections);
  return routes;
}

void DeliveryRoutes::refresh() {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (checkedAt_ != std::chrono::steady_clock::time_point() && now - checkedAt_ < kCheckInterval) return;
    checkedAt_ = now;
  }
  // Deliveries go on with the current table while another thread rebuilds (it may wait for QUITs).
  std::unique_lock rebuild(rebuildMutex_, std::try_to_lock);
  if (!rebuild.owns_lock()) return;
  std::int64_t generation = 0;
  try {
    generation = repository_.generation();
  } catch (const std::exception& e) {
    logger_.warning(std::string("routes: cannot read the route table: ") + e.what());
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (generation == generation_) return;
    // A table that failed to load is tried again after a while (a CA file may appear), not every second.
    if (generation == failedGeneration_ && now < retryFailedAt_) return;
  }
  std::vector<std::string> names;
  std::map<std::string, std::size_t> capacity;
  try {
    router_->update(build(names, capacity));
  } catch (const std::exception& e) {
    logger_.error(std::string("routes: the new route table is not usable, keeping the previous one: ") + e.what());
    std::lock_guard lock(mutex_);
    failedGeneration_ = generation;
    retryFailedAt_ = now + kRetryFailed;
    return;
  }
  std::lock_guard lock(mutex_);
  generation_ = generation;
  names_ = std::move(names);
  capacity_ = std::move(capacity);
}

queue::AttemptResult DeliveryRoutes::deliver(const queue::QueuedMessage& message,
                                             const std::vector<std::size_t>& recipients) {
  refresh();
  relay::OutboundMessage out = outbound(message, recipients);
  // A worker waiting for a connection of a saturated route would be lost to every other route: put the
  // message back instead (the queue retries it in seconds, uncounted).
  const std::string route = router_->routeFor(out.sender, out.recipients.empty() ? "" : out.recipients.front());
  {
    // Wait briefly for a free connection (a slot that frees up is taken at once), then give up.
    std::unique_lock lock(mutex_);
    const bool free = slotFreed_.wait_for(lock, kSlotWait, [&] {
      const auto cap = capacity_.find(route);
      return cap == capacity_.end() || busy_[route] < cap->second;
    });
    if (!free) {
      queue::AttemptResult busy;
      busy.notAttempted = true;
      return busy;
    }
    ++busy_[route];
  }
  struct Release {
    DeliveryRoutes& self;
    const std::string& route;
    ~Release() {
      {
        std::lock_guard lock(self.mutex_);
        --self.busy_[route];
      }
      self.slotFreed_.notify_one();
    }
  } release{*this, route};
  return attemptResult(router_->deliver(out));
}

bool DeliveryRoutes::available() {
  refresh();
  std::lock_guard lock(mutex_);
  return !names_.empty();
}

std::vector<std::string> DeliveryRoutes::routeNames() {
  std::lock_guard lock(mutex_);
  return names_;
}

std::string routeFor(const config::Config& cfg, routing::RouteAdmin& admin, const std::string& sender,
                     const std::string& firstRecipient) {
  std::vector<relay::RoutePatterns> routes;
  bool haveDefault = false;
  for (const auto& r : admin.list()) {
    routes.push_back(relay::RoutePatterns{r.name, r.senders});
    haveDefault |= hasDefaultRoute(r.senders);
  }
  if (!haveDefault && !cfg.relay.smarthosts.empty()) routes.push_back(relay::RoutePatterns{"config", {"*"}});
  const auto index = relay::RouteTable(routes).lookup(sender, firstRecipient);
  return index ? routes[*index].name : std::string();
}

}  // namespace postern::app
