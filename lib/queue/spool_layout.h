// queue::SpoolLayout — where the spool keeps its files (Spool::layout() shows it to readers needing paths).
//
//   root/tmp/<id>.msg, <id>.env   intake in progress; never acknowledged, so recovery deletes it
//   root/queue/<id>.msg           the body, the bytes exactly as received; never rewritten
//   root/queue/<id>.env           the envelope; its presence is the commit point
//   root/quarantine/              whatever recovery could not trust, kept for a human
//   root/control/                 requests from `postern queue retry|delete` to the running server
//
// One flat queue directory on purpose: every commit renames into the same directory, so one
// DirectorySyncer round makes all concurrent commits durable together. A submission relay's queue stays
// small (messages leave within seconds), so hashed subdirectories would only multiply fsync targets.
// tmp/ and queue/ must be on one filesystem for rename(2), which keeping both under root ensures.
//
// Thread-safety: immutable after construction.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace postern::queue {

struct SpoolLayout {
  static constexpr std::string_view kBodySuffix = ".msg";
  static constexpr std::string_view kEnvelopeSuffix = ".env";

  explicit SpoolLayout(const std::filesystem::path& spoolRoot)
      : root(spoolRoot),
        tmp(spoolRoot / "tmp"),
        queue(spoolRoot / "queue"),
        quarantine(spoolRoot / "quarantine"),
        control(spoolRoot / "control") {}

  std::filesystem::path queuedBody(const std::string& id) const {
    return queue / (id + std::string(kBodySuffix));
  }
  std::filesystem::path queuedEnvelope(const std::string& id) const {
    return queue / (id + std::string(kEnvelopeSuffix));
  }
  std::filesystem::path temporaryBody(const std::string& id) const {
    return tmp / (id + std::string(kBodySuffix));
  }
  std::filesystem::path temporaryEnvelope(const std::string& id) const {
    return tmp / (id + std::string(kEnvelopeSuffix));
  }

  std::filesystem::path root;
  std::filesystem::path tmp;
  std::filesystem::path queue;
  std::filesystem::path quarantine;
  std::filesystem::path control;
};

}  // namespace postern::queue
