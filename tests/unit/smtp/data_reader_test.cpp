// DataReader: the end of data is CRLF "." CRLF and nothing else; transparency; bare CR/LF; line length.
#include <boost/test/unit_test.hpp>

#include <string>

#include "smtp/data_reader.h"

using postern::smtp::DataReader;

namespace {

struct Run {
  std::string message;       // what reached the sink
  std::size_t consumed = 0;  // bytes the reader took
  std::size_t batches = 0;
  bool finished = false;
  bool bare = false;
  bool longLine = false;
  bool tooLarge = false;
  std::uint64_t size = 0;
};

// Feeds the input in chunks of chunkSize, stopping at the end of data as the session does.
Run read(std::string_view input, std::size_t chunkSize = 1 << 20, std::size_t maxSize = 1 << 20,
         std::size_t batchSize = DataReader::kBatchSize) {
  Run run;
  DataReader reader(
      {maxSize, 1000}, [&](std::string_view b) { run.message.append(b), ++run.batches; }, batchSize);
  while (!input.empty() && !reader.finished()) {
    const std::string_view chunk = input.substr(0, chunkSize);
    const std::size_t n = reader.feed(chunk);
    run.consumed += n;
    input.remove_prefix(n);
  }
  run.finished = reader.finished();
  run.bare = reader.sawBareCrOrLf();
  run.longLine = reader.sawLongLine();
  run.tooLarge = reader.tooLarge();
  run.size = reader.size();
  return run;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(data_reader)

BOOST_AUTO_TEST_CASE(ends_at_crlf_dot_crlf_and_leaves_the_rest) {
  const std::string input = "Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n";
  for (std::size_t chunk : {1, 2, 5, 1000}) {
    const Run r = read(input, chunk);
    BOOST_TEST(r.finished);
    BOOST_TEST(r.message == "Subject: x\r\n\r\nbody\r\n");
    BOOST_TEST(r.consumed == input.size() - 6);
    BOOST_TEST(!r.bare);
  }
}

BOOST_AUTO_TEST_CASE(an_immediate_dot_line_is_an_empty_message) {
  const Run r = read(".\r\n");
  BOOST_TEST(r.finished);
  BOOST_TEST(r.message.empty());
}

BOOST_AUTO_TEST_CASE(removes_dot_stuffing_rfc5321_4_5_2) {
  const Run r = read("..\r\n...x\r\n.y\r\n.\r\n");
  BOOST_TEST(r.message == ".\r\n..x\r\ny\r\n");
}

BOOST_AUTO_TEST_CASE(passes_8bit_bytes_unchanged) {
  const std::string body = "caf\xc3\xa9 \xff\xfe\r\n";
  BOOST_TEST(read(body + ".\r\n").message == body);
}

BOOST_AUTO_TEST_CASE(smuggling_sequences_never_end_the_data) {
  for (const std::string evil :
       {"a\n.\r\n", "a\r\n.\n", "a\r.\r\n", "a\n.\n", "a\r.\r", "a\r\n.\r", "a\r\n.\rMAIL FROM:<x@y>\r\n"}) {
    const Run r = read(evil + "b\r\n");
    BOOST_TEST(!r.finished, "ended early on a smuggling sequence");
    BOOST_TEST(r.bare);
    const Run completed = read(evil + "\r\n.\r\n");
    BOOST_TEST(completed.finished);
    BOOST_TEST(completed.bare);
  }
}

BOOST_AUTO_TEST_CASE(flags_bare_cr_and_bare_lf_but_keeps_the_bytes) {
  const Run lf = read("a\nb\r\n.\r\n");
  BOOST_TEST(lf.bare);
  BOOST_TEST(lf.message == "a\nb\r\n");
  const Run cr = read("a\rb\r\n.\r\n");
  BOOST_TEST(cr.bare);
  BOOST_TEST(cr.message == "a\rb\r\n");
  BOOST_TEST(read("a\r\r\n.\r\n").bare);
}

BOOST_AUTO_TEST_CASE(a_line_of_998_octets_passes_and_999_does_not_rfc5321_4_5_3_1_6) {
  BOOST_TEST(!read(std::string(998, 'x') + "\r\n.\r\n").longLine);
  BOOST_TEST(read(std::string(999, 'x') + "\r\n.\r\n").longLine);
}

BOOST_AUTO_TEST_CASE(does_not_count_the_dot_added_for_transparency_rfc5321_4_5_3_1_6) {
  // On the wire "." + 998 octets is the 998-octet line after unstuffing: legal.
  BOOST_TEST(!read("." + std::string(998, 'x') + "\r\n.\r\n").longLine);
  BOOST_TEST(read("." + std::string(999, 'x') + "\r\n.\r\n").longLine);
  BOOST_TEST(!read("." + std::string(997, 'x') + "\r\n.\r\n").longLine);
}

BOOST_AUTO_TEST_CASE(measures_line_length_across_chunks) {
  BOOST_TEST(read(std::string(999, 'x') + "\r\n.\r\n", 10).longLine);
}

BOOST_AUTO_TEST_CASE(stops_delivering_past_the_size_limit_but_reads_to_the_end) {
  const Run r = read(std::string(5000, 'x') + "\r\n" + std::string(100, 'y') + "\r\n.\r\nNOOP", 100, 1000);
  BOOST_TEST(r.finished);
  BOOST_TEST(r.tooLarge);
  BOOST_TEST(r.message.size() <= 1000u);
  BOOST_TEST(r.size == 5104u);
}

BOOST_AUTO_TEST_CASE(a_message_of_exactly_the_limit_is_not_too_large) {
  const Run r = read(std::string(998, 'x') + "\r\n.\r\n", 1 << 20, 1000);
  BOOST_TEST(!r.tooLarge);
  BOOST_TEST(r.message.size() == 1000u);
}

BOOST_AUTO_TEST_CASE(delivers_in_batches) {
  std::string body;
  for (int i = 0; i < 100; ++i) body += std::string(98, 'x') + "\r\n";
  const Run r = read(body + ".\r\n", 1 << 20, 1 << 20, 1024);
  BOOST_TEST(r.message == body);
  BOOST_TEST(r.batches >= 9u);
  BOOST_TEST(r.batches <= 11u);
}

// Chunked framing (BDAT, RFC 3030): every byte is content, the line rules hold across feeds.
namespace {
Run readChunks(std::initializer_list<std::string_view> chunks, std::size_t maxSize = 1 << 20) {
  Run run;
  DataReader reader(DataReader::Framing::Chunked, {maxSize, 1000},
                    [&](std::string_view b) { run.message.append(b), ++run.batches; });
  for (const auto chunk : chunks) run.consumed += reader.feed(chunk);
  BOOST_TEST(!reader.finished());
  reader.endOfChunks();
  run.finished = reader.finished();
  run.bare = reader.sawBareCrOrLf();
  run.longLine = reader.sawLongLine();
  run.size = reader.size();
  return run;
}
}  // namespace

BOOST_AUTO_TEST_CASE(chunked_framing_takes_every_byte_and_keeps_dots) {
  const Run r = readChunks({"a\r\n.\r\n", "..b\r\n.\r\nQUIT\r\n"});
  BOOST_TEST(r.finished);
  BOOST_TEST(r.consumed == 20u);
  BOOST_TEST(r.message == "a\r\n.\r\n..b\r\n.\r\nQUIT\r\n");
  BOOST_TEST(!r.bare);
}

BOOST_AUTO_TEST_CASE(chunked_framing_joins_a_crlf_split_between_chunks) {
  const Run r = readChunks({"a\r", "\nb\r\n"});
  BOOST_TEST(!r.bare);
  BOOST_TEST(r.message == "a\r\nb\r\n");
}

BOOST_AUTO_TEST_CASE(chunked_framing_sees_bare_cr_and_lf_anywhere) {
  BOOST_TEST(readChunks({"a\n", "b\r\n"}).bare);
  BOOST_TEST(readChunks({"a\r", "b\r\n"}).bare);
  BOOST_TEST(readChunks({"a\r\n", "b\r"}).bare);  // CR as the very last octet
}

BOOST_AUTO_TEST_CASE(chunked_framing_ends_an_unterminated_last_line) {
  const Run r = readChunks({"a\r\nb"});
  BOOST_TEST(r.message == "a\r\nb\r\n");
  BOOST_TEST(r.size == 6u);
  BOOST_TEST(readChunks({}).message.empty());
}

BOOST_AUTO_TEST_CASE(chunked_framing_counts_a_long_line_across_chunks) {
  BOOST_TEST(readChunks({std::string(500, 'x'), std::string(499, 'y') + "\r\n"}).longLine);
  BOOST_TEST(!readChunks({std::string(500, 'x'), std::string(498, 'y') + "\r\n"}).longLine);
}

BOOST_AUTO_TEST_SUITE_END()
