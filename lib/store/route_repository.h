// store::RouteRepository — the relay routes (db/004_relay_routes.sql): per route its smarthosts, TLS mode,
// CA file, authentication (sealed secrets), pool size, and the sender patterns that choose it; plus the
// change counter the server watches.
//
// Owns: the SQL for these tables, and the text of the mode columns, mapped to and from the route modes'
// types with their one spelling (modes/route_modes.h) and nowhere else. Must not know: SMTP, OAuth,
// cryptography (secrets are opaque sealed strings here; the route administration seals and opens them), the
// syntax of hosts and patterns (checked by the route administration before they get here).
// A mode column holding text Postern does not know (the schema's CHECK refuses it, but a database from
// elsewhere or a hand edit may not) is read into RouteRecord::unknownModes, never into some default mode,
// and such a record is not written back.
// Errors: core::NotFound ("no route x"), core::AlreadyExists (a route name, or a sender pattern another
// route has), core::InvalidValue (a value the schema refuses; a record with unknown modes, naming the
// setting), store::DatabaseError. Messages never contain secrets.
// Thread-safety: thread-safe; every call takes its own lease from the Database.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "modes/route_modes.h"
#include "store/connection.h"
#include "store/database.h"

namespace postern::store {

// A mode column whose text Postern does not know.
struct UnknownMode {
  std::string setting;  // "tls", "auth" or "grant", as core::InvalidValue names them
  std::string stored;   // the column's text, as stored (print it escaped)
};

struct RouteRecord {
  std::int64_t id = 0;
  std::string name;
  std::vector<std::string> senders;  // normalised patterns: "*", "@example.org", "alice@example.org"
  std::vector<std::string> hosts;    // "host:port" each, in failover order (stored as one text column)
  modes::TlsMode tls = modes::TlsMode::StartTls;
  std::string caFile;
  modes::AuthMechanism auth = modes::AuthMechanism::None;
  std::string username;
  std::string sealedPassword;
  std::optional<modes::Grant> oauthGrant;  // OAuth routes; the column holds "" for nullopt
  std::string oauthTokenUrl;
  std::string oauthClientId;
  std::string sealedClientSecret;
  std::string oauthScope;
  std::string sealedRefreshToken;
  int maxConnections = 4;
  // What the route's smarthost needs in its senders' SPF records ("include:_spf.example.net"); written
  // only by storeSpf(), so that add() and update() from the route settings leave it as it is.
  std::string spf;
  std::int64_t version = 0;  // raised by every settings change
  std::chrono::system_clock::time_point createdAt;
  std::chrono::system_clock::time_point updatedAt;
  // Read from a row whose mode text Postern does not know, in column order: the typed setting above is
  // then its default (a grant: nullopt) and not what is stored. Empty for every row Postern wrote; add()
  // and update() refuse a record that has any.
  std::vector<UnknownMode> unknownModes;
};

class RouteRepository {
 public:
  explicit RouteRepository(Database& database, const core::Clock& clock = core::SystemClock::instance());

  // Stores a new route with its sender patterns, in one transaction. Throws AlreadyExists, InvalidValue.
  RouteRecord add(const RouteRecord& route);
  // Replaces the settings and sender patterns of the route with route.name; raises its version.
  // keepRefreshToken: leave the stored refresh token as it is (the server may have stored a rotated one
  // since the caller read the row). Throws NotFound, AlreadyExists (a pattern of another route),
  // InvalidValue.
  RouteRecord update(const RouteRecord& route, bool keepRefreshToken = false);
  void remove(std::string_view name);  // throws NotFound

  std::vector<RouteRecord> list();  // ordered by name, senders sorted
  std::optional<RouteRecord> find(std::string_view name);
  // The token endpoint rotated the refresh token: store the new one without raising the version (the
  // route's settings did not change). false when the route is gone.
  bool storeRefreshToken(std::string_view name, std::string_view sealedRefreshToken);
  // The route's SPF mechanisms (checked by the caller). Throws NotFound.
  void storeSpf(std::string_view name, std::string_view spf);

  // Raised by every change (triggers), cheap to read: the server compares it before each delivery.
  std::int64_t generation();

  Database& database() const { return database_; }

 private:
  void insertSenders(Connection& connection, std::int64_t routeId, const std::vector<std::string>& senders);
  std::int64_t now() const;

  Database& database_;
  const core::Clock& clock_;
};

}  // namespace postern::store
