// relay::BodyFile — the spooled message body, opened once per delivery and read in chunks from the start
// for every attempt (a failover to the next smarthost sends it again). Internal to relay.
//
// Owns: the read-only descriptor. Must not know: the spool layout. Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "fs/file_descriptor.h"

namespace postern::relay {

class BodyFile {
 public:
  // Throws std::runtime_error with a loggable reason when the file cannot be opened.
  explicit BodyFile(const std::filesystem::path& path);

  std::uint64_t size() const { return size_; }
  // Reads up to capacity bytes at offset into out (replacing its contents); empty at the end. Throws
  // std::runtime_error on a read error.
  void read(std::uint64_t offset, std::size_t capacity, std::string& out) const;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  fs::FileDescriptor fd_;
  std::uint64_t size_ = 0;
};

}  // namespace postern::relay
