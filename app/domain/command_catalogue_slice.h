// The command prompt's catalogue slice: the nvidia-smi query fields, -d sections and options and the
// shell tools' options whose names and descriptions best match the request (BM25), written as short
// lines so the model sees the exact spellings it may need, as the KQL prompt sees its schema slice.
// Not a constraint and not a validator: the whole catalogues still check the answer.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/domain/bm25.h"
#include "app/domain/nvsmi_catalog.h"
#include "app/domain/shell_catalog.h"

namespace sigma::domain {

struct CatalogueEntry {
    enum class Kind { Field, Section, NvsmiOption, ShellOption };
    Kind kind = Kind::Field;
    std::string owner;    // "--query-gpu", "-d", "nvidia-smi", "nvidia-smi dmon", "tail"
    std::string name;     // "memory.used", "MEMORY", "-c/--count", "-n/--lines"
    std::string meaning;  // the catalogue's description, may be empty
    double score = 0.0;
    std::string line() const;  // "--query-gpu=memory.used: Total memory allocated ..."
};

class CommandCatalogueIndex {
public:
    static std::unique_ptr<CommandCatalogueIndex> build(const ShellCatalog& shell, const NvsmiCatalog& nvsmi);
    // Of the built-in packs, built once; nullptr when a pack cannot be loaded.
    static const CommandCatalogueIndex* builtin();

    // The best `k` entries for the request, best first.
    std::vector<CatalogueEntry> rank(std::string_view request, size_t k) const;

private:
    Bm25Index index_;
    std::vector<CatalogueEntry> entries_;
};

// The slice the command prompt carries: about 80 tokens of a 512-token context (measured: README).
// The pipeline and the training-data generator both use these, so the model is taught the prompt it gets.
inline constexpr size_t kCommandSliceEntries = 4;
inline constexpr size_t kCommandSliceBytes = 320;

// The slice's text: the best entries' lines, as many as fit in max_bytes (at least none), one a line.
std::string command_catalogue_slice(std::string_view request, const CommandCatalogueIndex& index,
                                    size_t max_entries = kCommandSliceEntries, size_t max_bytes = kCommandSliceBytes);

}  // namespace sigma::domain
