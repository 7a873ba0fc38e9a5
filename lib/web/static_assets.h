// web static assets — the admin UI's files (web/ in the source tree), compiled into the binary by
// cmake/embed_assets.cmake, and how they are served.
//
// Owns: the asset table and its lookup, ETag revalidation (RFC 9110 §13.1.2: If-None-Match with a
// matching tag → 304), the "/" → "/index.html" rule. Lookup is an exact comparison of the raw request path
// with the table's paths: the filesystem is never touched and nothing is decoded or normalised, so
// "/..%2f..%2fetc/passwd", "/%2e%2e/x" or "/assets/../../x" can only be "not in the table" (404).
// Must not know: sockets, the API. Thread-safety: the table is immutable; serve from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "web/router.h"

namespace postern::web {

struct Asset {
  std::string_view path;         // "/index.html", "/assets/app.js"
  std::string_view contentType;  // "text/javascript; charset=utf-8"
  std::string_view bytes;
  std::string_view etag;  // quoted strong tag: "\"0f1e…\"" (first 16 bytes of the SHA-256 of bytes, hex)
};

// The files of web/ as built into this binary (the source is generated at build time; README.md and
// dot-files are left out). Empty when web/ holds nothing else.
const std::vector<Asset>& embeddedAssets();

class AssetTable {
 public:
  explicit AssetTable(std::vector<Asset> assets) : assets_(std::move(assets)) {}

  // The asset at exactly this raw path ("/" means "/index.html"); nullptr when there is none.
  const Asset* find(std::string_view rawPath) const;
  std::size_t size() const { return assets_.size(); }

 private:
  std::vector<Asset> assets_;
};

// True when an If-None-Match field value names etag: "*", or a list of entity tags compared weakly
// (a W/ prefix is ignored, RFC 9110 §8.8.3.2).
bool etagMatches(std::string_view ifNoneMatch, std::string_view etag);

// Answers the asset: 200 with its bytes, type and ETag, or 304 when the request's If-None-Match names the
// ETag. HEAD gets the same head without the bytes.
void serveAsset(const Asset& asset, RequestContext& context);

// The handler for every path outside /api/: GET or HEAD of a path in the table serves it; another method
// on such a path is 405 (Allow: GET, HEAD); any other path is 404. The table must outlive the handler.
Handler assetHandler(const AssetTable& assets);

// The handler of one fixed asset at another address (web/openapi.json at /api/v1/openapi.json); 404 while
// the table has no such file.
Handler assetAt(const AssetTable& assets, std::string path);

}  // namespace postern::web
