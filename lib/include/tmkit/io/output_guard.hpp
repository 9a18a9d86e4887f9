// Where an app may write: never over a directory of the user's, never over its own inputs
// (docs/guide.md, "Outputs").
//
// A directory output (a model, a clustering, a selection) may go where nothing is, into an empty
// directory, or over a previous output of the same app, recognised by its manifest file naming that
// app (`"written_by": "tm-fit"` in model.json) and not by its name; anything else is refused unless
// forced. A file output may replace a file, as numpy.save and cp do, but never a directory. And an
// output that is an input of the run, holds one, or lies inside one is refused always, forced or
// not: `tm-fit --corpus data/docword.txt --out data` would delete the corpus it read.
#pragma once

#include <string>
#include <vector>

namespace tmkit {

/// A path an app reads, with the option that named it ("--corpus", "--model").
struct InputPath {
  std::string option;
  std::string path;
};

/// A path an app is about to write.
struct OutputTarget {
  std::string option;      ///< the option that named it ("--out")
  std::string path;        ///< where
  bool directory = false;  ///< a directory of files (else one file)
  std::string manifest;    ///< directory outputs: the file of a previous output ("model.json") ...
  std::string written_by;  ///< ... whose "written_by" field names this app ("tm-fit")
};

/// Refuses (UsageError, naming the option, the path and the reason) a target that may not be
/// written under the rules above; `force` lifts only the rule on directories that hold something
/// else. Inputs that do not exist, and a target with an empty path (an output not asked for), are
/// ignored.
void check_output(const OutputTarget& target, const std::vector<InputPath>& inputs, bool force);

/// check_output for a file output named by `option` (no manifest; `force` has nothing to lift).
void check_output_file(const std::string& option, const std::string& path,
                       const std::vector<InputPath>& inputs);

/// True when the directory `dir` holds a previous output of `target`'s app: its manifest exists
/// and is a JSON object whose "written_by" equals target.written_by (or, for tm-fit, a model.json
/// or checkpoint.json of tmkit 0.1, which named no app).
bool holds_previous_output(const std::string& dir, const OutputTarget& target);

}  // namespace tmkit
