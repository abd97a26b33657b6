// DiagnoseTask: rules first (they cite evidence and never guess), redaction of everything cited,
// then an optional model summary that may explain but not invent evidence.
#include "app/diagnose_task.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <sstream>
#include <streambuf>
#include <string>

#include "app/domain/diag_prompt.h"
#include "app/domain/json_parse.h"
#include "app/domain/task_prompt.h"

namespace sigma::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// The log as the rules engine reads it: line by line, with the body of every PEM block (keys,
// certificates) replaced by <SECRET>, tracked across lines. So no body line can be cited as evidence,
// even when its BEGIN line is far away and not cited itself. Lines, and so line numbers, are kept.
class PemScrubbingBuf : public std::streambuf {
public:
    explicit PemScrubbingBuf(std::istream& in) : in_(*in.rdbuf()) {}

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        std::string line;
        bool newline = false;
        for (;;) {
            const int_type c = in_.sbumpc();
            if (traits_type::eq_int_type(c, traits_type::eof())) break;
            if (traits_type::to_char_type(c) == '\n') {
                newline = true;
                break;
            }
            line += traits_type::to_char_type(c);
            if (line.size() >= kChunk) break;  // a very long line goes through in pieces
        }
        if (line.empty() && !newline) return traits_type::eof();
        out_.clear();
        for (const domain::PemBlockTracker::Piece& p : pem_.split(line)) {
            if (p.kind != domain::PemBlockTracker::PieceKind::Body) {
                out_.append(p.text);
                continue;
            }
            const size_t b = p.text.find_first_not_of(" \t\r");
            if (b == std::string_view::npos) {
                out_.append(p.text);
                continue;
            }
            const size_t e = p.text.find_last_not_of(" \t\r") + 1;
            out_.append(p.text.substr(0, b)).append("<SECRET>").append(p.text.substr(e));
        }
        if (newline) out_ += '\n';
        setg(out_.data(), out_.data(), out_.data() + out_.size());
        return traits_type::to_int_type(*gptr());
    }

private:
    static constexpr size_t kChunk = 64 * 1024;
    std::streambuf& in_;
    domain::PemBlockTracker pem_;
    std::string out_;
};

QJsonArray to_array(const QStringList& list) {
    QJsonArray a;
    for (const QString& s : list) a.append(s);
    return a;
}

}  // namespace

QJsonObject DiagnoseResult::to_json() const {
    QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(domain::dump_json(report.to_json()))).object();
    o.insert("category", category);
    o.insert("root_cause", root_cause);
    o.insert("next_steps", to_array(next_steps));
    o.insert("commands", to_array(commands));
    o.insert("summary_source", summary_source);
    return o;
}

DiagnoseResult DiagnoseTask::from_report(domain::DiagnosisReport report) const {
    // One redactor for the whole report: the same value gets the same placeholder everywhere.
    domain::redact_report_evidence(report, redact_options_);

    DiagnoseResult r;
    r.category = q(report.category);
    if (!report.findings.empty()) {
        const domain::Finding& top = report.findings.front();
        r.root_cause = q(top.explanation);
        for (const auto& s : top.remediation) r.next_steps << q(s);
        for (const auto& c : top.commands) r.commands << q(c);
    }
    r.report = std::move(report);
    return r;
}

DiagnoseResult DiagnoseTask::analyse(std::istream& log) const {
    const domain::DiagEngine engine(pack_);
    if (!redact_options_.secrets) return from_report(engine.run(log));
    PemScrubbingBuf scrubbed(log);
    std::istream in(&scrubbed);
    return from_report(engine.run(in));
}

DiagnoseResult DiagnoseTask::analyse_text(const QString& log) const {
    std::istringstream in(log.toStdString());
    return analyse(in);
}

GenerationRequest DiagnoseTask::prepare(const DiagnoseResult& rules) const {
    const domain::DiagnosisPromptText text = domain::build_diagnosis_prompt_text(rules.report);
    GenerationRequest g;
    for (const auto& t : domain::build_diagnosis_messages(text.findings, text.excerpt))
        g.messages.push_back({q(t.role), q(t.content)});
    g.max_tokens = 256;
    g.temperature = 0.0;
    return g;
}

DiagnoseResult DiagnoseTask::finish(DiagnoseResult rules, const QString& raw_output,
                                    const GenerationStats& stats) const {
    rules.raw_output = raw_output;
    rules.stats = stats;
    const domain::ParsedDiagnosis parsed = domain::parse_diagnosis_answer(raw_output.toStdString());
    if (!parsed.found) return rules;  // keep the rules' summary; the raw answer is still recorded
    if (!parsed.root_cause.empty()) {
        rules.root_cause = q(parsed.root_cause);
        rules.summary_source = QStringLiteral("model");
    }
    if (!parsed.next_steps.empty()) {
        rules.next_steps.clear();
        for (const auto& s : parsed.next_steps) rules.next_steps << q(s);
    }
    if (rules.category == QLatin1String("unknown") && pack_.find(parsed.category) != nullptr)
        rules.category = q(parsed.category);
    return rules;
}

}  // namespace sigma::app
