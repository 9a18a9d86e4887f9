// Checkpoints of a running fit: a directory with the model state (lambda.npy, gamma.npy for a
// batch fit), the progress of the fit (checkpoint.json: counters, trace, alpha, eta, the plan of
// the fit: its options and where its corpus is) and the sha256 of every file. Written atomically,
// so a crash while writing one leaves the previous checkpoint intact; read back only after every
// check passes, so a damaged or truncated checkpoint is refused with a message naming the file,
// never resumed from.
#pragma once

#include <string>
#include <vector>

#include "tmkit/lda/lda.hpp"
#include "tmkit/lda/lda_online.hpp"

namespace tmkit {

/// 2: the checkpoint holds the fit's plan (run_fit.hpp); 1 (tmkit 0.1) held a command line.
constexpr int kCheckpointFormatVersion = 2;

struct Checkpoint {
  std::string algorithm;           ///< "batch" or "online"
  std::string plan;                ///< the fit's plan as JSON (plan_to_json), for resuming
  std::string corpus_fingerprint;  ///< of the training documents
  LdaModel model;                  ///< lambda, alpha, eta; gamma for batch
  BatchProgress batch;             ///< when algorithm == "batch"
  OnlineProgress online;           ///< when algorithm == "online"
};

/// Writes `checkpoint` to `dir`, replacing an older checkpoint there only once complete.
/// InputError if `dir` cannot be written.
void save_checkpoint(const std::string& dir, const Checkpoint& checkpoint);

/// Reads and checks a checkpoint; InputError naming the file and the problem otherwise.
Checkpoint load_checkpoint(const std::string& dir);

}  // namespace tmkit
