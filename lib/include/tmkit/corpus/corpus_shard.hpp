// One process's part of a corpus in a fit spread over several (MPI ranks): a range of whole
// blocks of documents (rank_documents). From a .tmc file a rank maps the file and reads only its
// range; from the text formats every rank parses the whole file and keeps its range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tmkit/core/communicator.hpp"
#include "tmkit/corpus/corpus.hpp"
#include "tmkit/corpus/corpus_io.hpp"

namespace tmkit {

struct CorpusShard {
  Corpus documents;           ///< this rank's documents, with their ids and labels
  std::size_t first_doc = 0;  ///< index of the first of them in the whole corpus
  std::size_t n_docs = 0;     ///< documents of the whole corpus
  double n_tokens = 0;        ///< tokens of the whole corpus
  /// Identifies the whole corpus: Corpus::fingerprint() when read whole, TmcFile::fingerprint()
  /// for a .tmc.
  std::string fingerprint;
  /// "id<TAB>label" of every document of the whole corpus, in order, on rank 0 only.
  std::vector<std::string> doc_table;
};

/// Reads this rank's shard of the corpus at `path`. UsageError when the corpus has fewer blocks
/// of `block_docs` documents than there are ranks; InputError (on the rank that holds it) for an
/// empty document unless options.keep_empty, and for anything the format's reader refuses.
CorpusShard read_corpus_shard(const std::string& path, const CorpusReadOptions& options,
                              const Communicator& comm, std::size_t block_docs);

}  // namespace tmkit
