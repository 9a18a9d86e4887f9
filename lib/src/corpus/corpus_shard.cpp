#include "tmkit/corpus/corpus_shard.hpp"

#include "tmkit/core/error.hpp"
#include "tmkit/corpus/tmc.hpp"

namespace tmkit {

namespace {

void check_enough_blocks(std::size_t n_docs, std::size_t block_docs, int ranks) {
  const std::size_t n_blocks = (n_docs + block_docs - 1) / block_docs;
  if (n_blocks < static_cast<std::size_t>(ranks)) {
    throw UsageError("mpirun -np " + std::to_string(ranks) + ": the corpus has " +
                     std::to_string(n_docs) + " documents, " + std::to_string(n_blocks) +
                     " blocks of " + std::to_string(block_docs) +
                     "; run at most that many ranks (each needs a block)");
  }
}

}  // namespace

CorpusShard read_corpus_shard(const std::string& path, const CorpusReadOptions& options,
                              const Communicator& comm, std::size_t block_docs) {
  const CorpusFormat format =
      options.format == CorpusFormat::automatic ? detect_corpus_format(path) : options.format;
  CorpusShard shard;
  if (format == CorpusFormat::tmc) {
    if (!options.vocab_path.empty()) {
      throw OptionError("vocab", path + " is a .tmc corpus, which holds its vocabulary");
    }
    TmcFile file(path);
    check_enough_blocks(file.n_docs(), block_docs, comm.size());
    const DocumentRange range = rank_documents(file.n_docs(), block_docs, comm.rank(), comm.size());
    shard.documents = file.read(range.first, range.last);
    shard.first_doc = range.first;
    shard.n_docs = file.n_docs();
    shard.n_tokens = static_cast<double>(file.n_tokens());
    shard.fingerprint = file.fingerprint();
    if (comm.is_root()) {
      shard.doc_table.reserve(file.n_docs());
      for (std::size_t d = 0; d < file.n_docs(); ++d) {
        shard.doc_table.push_back(file.doc_id(d) + "\t" + file.label(d));
      }
    }
  } else {
    CorpusReadOptions whole_options = options;
    whole_options.keep_empty = true;  // refused below, by the rank that holds the document
    const Corpus whole = read_corpus(path, whole_options);
    check_enough_blocks(whole.n_docs(), block_docs, comm.size());
    const DocumentRange range =
        rank_documents(whole.n_docs(), block_docs, comm.rank(), comm.size());
    std::vector<std::size_t> range_docs;
    for (std::size_t d = range.first; d < range.last; ++d) range_docs.push_back(d);
    shard.documents = whole.select_documents(range_docs);
    shard.first_doc = range.first;
    shard.n_docs = whole.n_docs();
    shard.n_tokens = whole.n_tokens();
    shard.fingerprint = whole.fingerprint();
    if (comm.is_root()) {
      for (std::size_t d = 0; d < whole.n_docs(); ++d) {
        shard.doc_table.push_back(whole.doc_ids()[d] + "\t" + whole.labels()[d]);
      }
    }
  }
  const std::size_t empty = shard.documents.first_empty_document();
  if (!options.keep_empty && empty != shard.documents.n_docs()) {
    throw empty_document_error(path, shard.first_doc + empty);
  }
  return shard;
}

}  // namespace tmkit
