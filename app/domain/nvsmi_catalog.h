// NvsmiCatalog: the nvidia-smi knowledge pack (options, subcommands, -d sections, --format values and
// query fields with aliases) loaded from resources/knowledge/nvidia-smi/. Not a validator: lookups only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/domain/risk_classifier.h"

namespace sigma::domain {

// Argument kinds, stored in the pack as text (see FORMAT.md): never rename.
enum class NvsmiArg {
    None,
    Int,
    Number,
    IdList,
    IntList,
    Enum,
    Letters,
    String,
    File,
    ClockPair,
    DisplayList,
    FormatList,
    FieldList,
    Optional
};
const char* nvsmi_arg_text(NvsmiArg a);

struct NvsmiValue {
    std::string value;  // "0"
    std::string name;   // "DISABLED", or for subcommand values a short meaning; may be empty
};

struct NvsmiOption {
    std::string short_name;  // "-pm"; empty when the option has no short spelling
    std::string long_name;   // "--persistence-mode"
    NvsmiArg arg = NvsmiArg::None;
    bool value_optional = false;     // the value may be left out (nvidia-smi -l)
    std::vector<NvsmiValue> values;  // enum / letters / optional / format_list values
    Risk risk = Risk::ReadOnly;
    std::vector<std::string> requires_one_of;  // long names, any one of which must be present
    std::string summary;
    std::string spelling() const;  // "-pm/--persistence-mode"
};

struct NvsmiField {
    std::string name;
    std::vector<std::string> aliases;
    std::string description;  // printed under the field by --help-query-*; may be empty
};

struct NvsmiQuery {
    std::string option;         // "--query-gpu"
    bool fields_known = false;  // false when no field list was captured for it
    std::vector<NvsmiField> fields;
    const NvsmiField* find(std::string_view name_or_alias) const;
};

struct NvsmiSubcommand {
    std::string name;
    bool options_known = false;
    Risk risk = Risk::ReadOnly;  // class when its options are not catalogued
    std::vector<NvsmiOption> options;
    const NvsmiOption* find_option(std::string_view spelling) const;
};

class NvsmiCatalog {
public:
    // Loads a pack file; nullopt with *error naming the problem on failure.
    static std::optional<NvsmiCatalog> load(const std::string& path, std::string* error = nullptr);
    // The pack at knowledge_path("nvidia-smi")/nvidia-smi.json, loaded once. nullptr when missing or
    // malformed (then *error, if given, says why).
    static const NvsmiCatalog* builtin(std::string* error = nullptr);

    const NvsmiOption* find_option(std::string_view spelling) const;  // "-i" or "--id"
    const NvsmiSubcommand* find_subcommand(std::string_view name) const;
    const NvsmiQuery* find_query(std::string_view option) const;

    const std::vector<NvsmiOption>& options() const { return options_; }
    const std::vector<NvsmiSubcommand>& subcommands() const { return subcommands_; }
    const std::vector<NvsmiQuery>& queries() const { return queries_; }
    const std::vector<std::string>& display_sections() const { return display_sections_; }
    const std::vector<std::string>& format_values() const { return format_values_; }
    // What `-q -d SECTION` shows (case-insensitive) and what a --format value does; "" when unknown.
    std::string display_section_meaning(std::string_view section) const;
    std::string format_value_meaning(std::string_view value) const;

private:
    std::vector<NvsmiOption> options_;
    std::vector<NvsmiSubcommand> subcommands_;
    std::vector<NvsmiQuery> queries_;
    std::vector<std::string> display_sections_;
    std::vector<std::string> format_values_;
    std::vector<std::pair<std::string, std::string>> section_meanings_;
    std::vector<std::pair<std::string, std::string>> format_meanings_;
};

// All spellings (short and long) of a list of options, for suggestions.
std::vector<std::string> nvsmi_spellings(const std::vector<NvsmiOption>& options);

}  // namespace sigma::domain
