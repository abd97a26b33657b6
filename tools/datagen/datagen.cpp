// Runs the generators in a fixed order so one seed always gives the same corpus.
// Not a generator itself.
#include "tools/datagen/datagen.h"

#include <algorithm>
#include <cmath>

#include "tools/datagen/gen_commands.h"
#include "tools/datagen/gen_diagnosis.h"
#include "tools/datagen/gen_explain.h"
#include "tools/datagen/gen_kql.h"

namespace sigma::datagen {

namespace {
size_t scaled(size_t base, double scale) {
    return std::max<size_t>(1, static_cast<size_t>(std::lround(static_cast<double>(base) * scale)));
}
}  // namespace

bool generate_all(const domain::ExampleCorpus& corpus, const DatagenOptions& options, DatagenResult* result,
                  std::string* error) {
    result->writer = std::make_unique<CorpusWriter>(options.seed, options.heldout_share);
    std::vector<std::string> prompts;
    if (!CorpusWriter::load_eval_prompts(options.eval_dir, &prompts, error)) return false;
    result->writer->add_eval_prompts(prompts);
    if (options.commands) {
        CmdGenOptions o;
        o.seed = options.seed;
        o.per_phrasing = scaled(12, options.scale);
        generate_commands(corpus, o, *result->writer, result->counts["commands"]);
    }
    if (options.kql) {
        KqlGenOptions o;
        o.seed = options.seed;
        o.per_phrasing = scaled(3, options.scale);
        generate_kql(corpus, o, *result->writer, result->counts["kql"]);
    }
    if (options.diagnosis) {
        DiagGenOptions o;
        o.seed = options.seed;
        o.per_template = scaled(30, options.scale);
        o.unknown_logs = scaled(200, options.scale);
        generate_diagnosis(o, *result->writer, result->counts["diagnosis"]);
    }
    if (options.explain) {
        ExplainGenOptions o;
        o.seed = options.seed;
        o.per_entry = scaled(2, options.scale);
        generate_explanations(o, *result->writer, result->counts["explain"]);
    }
    return true;
}

}  // namespace sigma::datagen
