#include "relay/body_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace postern::relay {

BodyFile::BodyFile(const std::filesystem::path& path) : path_(path) {
  fd_.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd_)
    throw std::runtime_error("cannot open message body " + path.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0)
    throw std::runtime_error("cannot stat message body " + path.string() + ": " + std::strerror(errno));
  size_ = static_cast<std::uint64_t>(st.st_size);
}

void BodyFile::read(std::uint64_t offset, std::size_t capacity, std::string& out) const {
  out.resize(capacity);
  for (;;) {
    const ssize_t n = ::pread(fd_.get(), out.data(), capacity, static_cast<off_t>(offset));
    if (n >= 0) {
      out.resize(static_cast<std::size_t>(n));
      return;
    }
    if (errno != EINTR)
      throw std::runtime_error("cannot read message body " + path_.string() + ": " + std::strerror(errno));
  }
}

}  // namespace postern::relay
