#define BOOST_TEST_MODULE core
#include <boost/test/unit_test.hpp>

#include "core/reply.h"

using postern::core::Reply;

BOOST_AUTO_TEST_CASE(renders_single_line_with_enhanced_code) {
  BOOST_TEST(Reply(250, "2.1.0", "Ok").render() == "250 2.1.0 Ok\r\n");
}

BOOST_AUTO_TEST_CASE(renders_without_enhanced_code) {
  BOOST_TEST(Reply(220, "", "mx ESMTP").render() == "220 mx ESMTP\r\n");
}

BOOST_AUTO_TEST_CASE(renders_multiline_with_hyphen_on_all_but_last) {
  Reply r(250, "", std::vector<std::string>{"mx", "PIPELINING", "SIZE 10"});
  BOOST_TEST(r.render() == "250-mx\r\n250-PIPELINING\r\n250 SIZE 10\r\n");
}

BOOST_AUTO_TEST_CASE(classifies_reply_codes) {
  BOOST_TEST(Reply(250, "2.0.0", "x").positive());
  BOOST_TEST(Reply(354, "", "x").positive());
  BOOST_TEST(Reply(452, "4.3.1", "x").transient());
  BOOST_TEST(Reply(550, "5.7.1", "x").permanent());
}
