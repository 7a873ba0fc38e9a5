#include <boost/test/unit_test.hpp>

#include "fake_exchange.h"
#include "web/http_error.h"
#include "web/request_body.h"

using namespace postern;
using web::HttpError;

namespace {

constexpr std::size_t kLimit = 1024;

int statusOf(test::FakeExchange& exchange) {
  try {
    web::readBody(exchange.request, kLimit);
  } catch (const HttpError& e) {
    return e.status();
  }
  return 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(request_body)

BOOST_AUTO_TEST_CASE(a_declared_length_over_the_limit_is_413_before_a_byte_is_read) {
  test::FakeExchange exchange("POST", "/api/v1/users", std::string(2 * kLimit, 'x'));
  exchange.request.setContentLength64(2 * kLimit);
  BOOST_TEST(statusOf(exchange) == 413);
  BOOST_TEST(exchange.request.bodyStream().tellg() == 0);
}

BOOST_AUTO_TEST_CASE(a_body_within_its_length_is_read_whole) {
  test::FakeExchange exchange("POST", "/api/v1/users", std::string(kLimit, 'x') + "trailing");
  exchange.request.setContentLength64(kLimit);
  BOOST_TEST(web::readBody(exchange.request, kLimit) == std::string(kLimit, 'x'));
}

BOOST_AUTO_TEST_CASE(a_chunked_body_is_counted_while_it_is_read) {
  test::FakeExchange over("POST", "/api/v1/users", std::string(kLimit + 1, 'x'));
  over.request.setChunkedTransferEncoding(true);
  BOOST_TEST(statusOf(over) == 413);
  test::FakeExchange exact("POST", "/api/v1/users", std::string(kLimit, 'x'));
  exact.request.setChunkedTransferEncoding(true);
  BOOST_TEST(web::readBody(exact.request, kLimit).size() == kLimit);
}

BOOST_AUTO_TEST_CASE(a_request_without_length_or_coding_has_no_body) {
  test::FakeExchange exchange("POST", "/api/v1/users", "{\"login\": \"x\"}");
  BOOST_TEST(web::readBody(exchange.request, kLimit).empty());
}

BOOST_AUTO_TEST_CASE(a_body_shorter_than_its_length_is_a_bad_request) {
  test::FakeExchange exchange("POST", "/api/v1/users", "{}");
  exchange.request.setContentLength64(10);
  BOOST_TEST(statusOf(exchange) == 400);
}

BOOST_AUTO_TEST_CASE(ambiguous_framing_is_a_bad_request) {
  test::FakeExchange both("POST", "/api/v1/users", "{}");
  both.request.setContentLength64(2);
  both.request.add("Transfer-Encoding", "chunked");
  BOOST_TEST(statusOf(both) == 400);

  test::FakeExchange twoLengths("POST", "/api/v1/users", "{}");
  twoLengths.request.add("Content-Length", "2");
  twoLengths.request.add("Content-Length", "2");
  BOOST_TEST(statusOf(twoLengths) == 400);

  for (const char* coding : {"gzip", "gzip, chunked", "identity"}) {
    test::FakeExchange exchange("POST", "/api/v1/users", "{}");
    exchange.request.set("Transfer-Encoding", coding);
    BOOST_TEST(statusOf(exchange) == 400, coding);
  }
  for (const char* length : {"-1", "2a", "+2", "", "0x10", "99999999999999999999999"}) {
    test::FakeExchange exchange("POST", "/api/v1/users", "{}");
    exchange.request.set("Content-Length", length);
    BOOST_TEST(statusOf(exchange) == 400, length);
  }
}

BOOST_AUTO_TEST_SUITE_END()
