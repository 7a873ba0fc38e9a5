#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "web/static_assets.h"

using namespace postern::web;

namespace {

std::string fixture(const std::string& relative) {
  std::ifstream in(std::string(POSTERN_FIXTURE_DIR) + "/" + relative, std::ios::binary);
  BOOST_TEST_REQUIRE(in.good(), relative);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// The ETag the build step must have computed: the first 16 bytes of the SHA-256, hex, quoted.
std::string expectedTag(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string tag = "\"";
  for (unsigned i = 0; i < 16; ++i) {
    tag += hex[digest[i] >> 4];
    tag += hex[digest[i] & 15];
  }
  return tag + "\"";
}

const Asset* byPath(const std::string& path) {
  for (const auto& asset : embeddedAssets())
    if (asset.path == path) return &asset;
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(static_assets)

BOOST_AUTO_TEST_CASE(every_file_but_readme_and_dot_files_is_embedded_under_its_path) {
  std::vector<std::string> paths;
  for (const auto& asset : embeddedAssets()) paths.emplace_back(asset.path);
  const std::vector<std::string> expected = {"/app.js", "/css/style.css", "/empty.txt", "/index.html",
                                             "/logo.svg"};
  BOOST_TEST(paths == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(embedded_bytes_are_the_files_bytes) {
  for (const char* name : {"app.js", "css/style.css", "empty.txt", "index.html", "logo.svg"}) {
    const Asset* asset = byPath(std::string("/") + name);
    BOOST_TEST_REQUIRE(asset != nullptr, name);
    BOOST_TEST(asset->bytes == fixture(name), name);
  }
}

BOOST_AUTO_TEST_CASE(the_etag_is_the_start_of_the_sha256_of_the_bytes) {
  for (const auto& asset : embeddedAssets()) BOOST_TEST(asset.etag == expectedTag(asset.bytes), asset.path);
  BOOST_TEST(byPath("/app.js")->etag != byPath("/index.html")->etag);
}

BOOST_AUTO_TEST_CASE(content_types_follow_the_extension) {
  BOOST_TEST(byPath("/index.html")->contentType == "text/html; charset=utf-8");
  BOOST_TEST(byPath("/app.js")->contentType == "text/javascript; charset=utf-8");
  BOOST_TEST(byPath("/css/style.css")->contentType == "text/css; charset=utf-8");
  BOOST_TEST(byPath("/logo.svg")->contentType == "image/svg+xml");
  BOOST_TEST(byPath("/empty.txt")->contentType == "text/plain; charset=utf-8");
}

BOOST_AUTO_TEST_CASE(the_root_is_the_index_page) {
  const AssetTable table(embeddedAssets());
  BOOST_TEST(table.find("/") == table.find("/index.html"));
  BOOST_TEST(table.find("/") != nullptr);
}

BOOST_AUTO_TEST_CASE(lookup_is_exact_so_no_encoding_or_dot_segment_reaches_another_file) {
  const AssetTable table(embeddedAssets());
  BOOST_TEST(table.find("/css/style.css") != nullptr);
  for (const char* path :
       {"/css%2fstyle.css", "/css/../css/style.css", "/./app.js", "//app.js", "/app.js/", "app.js", "/APP.JS",
        "/app%2ejs", "/README.md", "/.hidden", "/..%2f..%2fetc/passwd", ""})
    BOOST_TEST(table.find(path) == nullptr, path);
}

BOOST_AUTO_TEST_CASE(if_none_match_compares_tags_weakly_and_accepts_a_star) {
  const std::string tag = "\"abc\"";
  BOOST_TEST(etagMatches("\"abc\"", tag));
  BOOST_TEST(etagMatches("W/\"abc\"", tag));
  BOOST_TEST(etagMatches("\"x\", \"abc\"", tag));
  BOOST_TEST(etagMatches(" * ", tag));
  BOOST_TEST(!etagMatches("\"abcd\"", tag));
  BOOST_TEST(!etagMatches("abc", tag));
  BOOST_TEST(!etagMatches("", tag));
}

BOOST_AUTO_TEST_SUITE_END()
