#include "app/dkim_signer.h"

#include "dkim/message_signing.h"

namespace postern::app {

namespace {

class DkimMessageSignature final : public smtp::MessageSignature {
 public:
  DkimMessageSignature(dkim::ActiveKeys& keys, std::size_t maxHeaderSection, const core::Clock& clock)
      : keys_(keys), hasher_(keys.settings().body, maxHeaderSection), clock_(clock) {}

  void write(std::string_view bytes) override { hasher_.update(bytes); }

  smtp::SigningOutcome finish(std::string_view fromDomain, std::string_view addedHeaders) override {
    smtp::SigningOutcome outcome;
    std::shared_ptr<const dkim::KeyRing> ring;
    try {
      ring = keys_.current();
    } catch (const std::exception& e) {
      outcome.status = smtp::SigningOutcome::Status::Failed;
      outcome.detail = std::string("cannot read the DKIM keys: ") + e.what();
      return outcome;
    }
    if (hasher_.headerTooLarge() && ring->find(fromDomain)) {
      outcome.status = smtp::SigningOutcome::Status::Failed;
      outcome.detail = "header section too large to sign";
      return outcome;
    }
    const std::string bodyHash = hasher_.finish();
    const auto result = dkim::signForDomain(
        *ring, fromDomain, std::string(addedHeaders) + hasher_.headerSection(), bodyHash, clock_.now());
    switch (result.status) {
      case dkim::SigningResult::Status::Signed: {
        outcome.status = smtp::SigningOutcome::Status::Signed;
        outcome.fields = result.fields;
        outcome.algorithms = result.algorithms;
        outcome.detail = "d=" + result.signingDomain + " s=";
        for (std::size_t i = 0; i < result.selectors.size(); ++i)
          outcome.detail += (i ? "," : "") + result.selectors[i];
        break;
      }
      case dkim::SigningResult::Status::Failed:
        outcome.status = smtp::SigningOutcome::Status::Failed;
        outcome.detail = "d=" + result.signingDomain + ": " + result.error;
        break;
      case dkim::SigningResult::Status::NoKey:
        outcome.status = smtp::SigningOutcome::Status::NoKey;
        break;
    }
    return outcome;
  }

 private:
  dkim::ActiveKeys& keys_;
  dkim::MessageHasher hasher_;
  const core::Clock& clock_;
};

}  // namespace

std::unique_ptr<smtp::MessageSignature> DkimSigner::begin() {
  return std::make_unique<DkimMessageSignature>(keys_, maxHeaderSection_, clock_);
}

}  // namespace postern::app
