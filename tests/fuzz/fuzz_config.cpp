// The configuration parser (config::load): the input's text before a line "--env--" is the properties file
// (handed over as an in-memory file), the lines after it are environment variables NAME=value (no *_FILE
// variables: those name files to read, and a fuzzer must not choose files).
// Properties: load() never throws, whatever it is given; every error names a source; and for a
// configuration that loads, every key's printed value parses back into the same configuration and prints
// the same (the table's parse and print agree), and describe() masks every secret that is set.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "config/config.h"
#include "config/keys.h"
#include "fuzz_check.h"

using namespace postern;
using postern::fuzz::escaped;

namespace {

// The file's bytes behind a path, without touching the disk.
class MemoryFile {
 public:
  explicit MemoryFile(std::string_view bytes) : fd_(memfd_create("postern-fuzz.conf", 0)) {
    if (fd_ < 0) std::abort();
    for (std::size_t done = 0; done < bytes.size();) {
      const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = input.find("--env--\n");
  const std::string_view file = input.substr(0, split);
  std::map<std::string, std::string> env;
  if (split != std::string_view::npos) {
    fuzz::Input lines(data + split + 8, size - split - 8);
    while (!lines.empty()) {
      const std::string_view line = lines.until('\n');
      const std::size_t eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      std::string name(line.substr(0, eq));
      if (name.ends_with("_FILE")) continue;
      env[name] = std::string(line.substr(eq + 1));
    }
  }

  const MemoryFile memory(file);
  config::LoadResult result;
  try {
    result = config::load(memory.path(), env);
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("load threw: ") + e.what());
  }
  for (const auto& error : result.errors) FUZZ_CHECK(!error.empty(), escaped(input));
  if (!result.ok()) return 0;

  const std::string described = config::describe(result.config);
  for (const auto& def : config::keyTable()) {
    const std::string printed = def.print(result.config);
    config::Config again = result.config;
    const auto error = def.parse(again, printed);
    FUZZ_CHECK(!error, def.name + " = " + escaped(printed) + ": " + error.value_or(""));
    FUZZ_CHECK(def.print(again) == printed,
               def.name + " = " + escaped(printed) + " -> " + escaped(def.print(again)));
    if (def.secret && !printed.empty()) {
      FUZZ_CHECK(described.find(def.name + " = ********\n") != std::string::npos, def.name);
    }
  }
  return 0;
}
