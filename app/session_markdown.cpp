// Session -> Markdown for the git export and `sigma history show`.
// Not a Markdown parser or a general escaper: only fences and single-line fields are guarded.
#include "app/session_markdown.h"

#include <QStringList>

#include <algorithm>

#include "app/history_store.h"

namespace sigma::app {

namespace {

QString iso(const QDateTime& t) { return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QStringLiteral("-"); }

// A one-line field: newlines would start new Markdown blocks.
QString one_line(const QString& s) {
    QString out = s;
    out.replace(QLatin1Char('\r'), QLatin1Char(' ')).replace(QLatin1Char('\n'), QLatin1Char(' '));
    return out.trimmed();
}

// A fenced block whose fence is longer than any run of backticks inside the text.
QString fenced(const QString& text, const QString& info) {
    int longest = 0;
    int run = 0;
    for (QChar c : text) {
        run = (c == QLatin1Char('`')) ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    const QString fence(std::max(3, longest + 1), QLatin1Char('`'));
    QString body = text;
    if (!body.endsWith(QLatin1Char('\n'))) body += QLatin1Char('\n');
    return fence + info + QLatin1Char('\n') + body + fence + QLatin1Char('\n');
}

QString number(double v) { return QString::number(v, 'f', 1); }

}  // namespace

QString session_slug(const QString& title) {
    QString slug;
    bool dash = false;
    for (QChar c : title.toLower()) {
        const char16_t u = c.unicode();
        const bool word = (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9');
        if (word) {
            if (dash && !slug.isEmpty()) slug += QLatin1Char('-');
            slug += c;
            dash = false;
        } else {
            dash = true;
        }
        if (slug.size() >= 48) break;
    }
    while (slug.endsWith(QLatin1Char('-'))) slug.chop(1);
    return slug.isEmpty() ? QStringLiteral("session") : slug;
}

QString session_file_prefix(const Session& session) {
    const QString day = session.created_at.isValid() ? session.created_at.toUTC().toString(QStringLiteral("yyyy-MM-dd"))
                                                     : QStringLiteral("0000-00-00");
    return QStringLiteral("%1-%2-").arg(day).arg(session.id);
}

QString session_file_name(const Session& session) {
    return session_file_prefix(session) + session_slug(redact_secrets(session.title)) + QStringLiteral(".md");
}

QString render_session_markdown(const Session& stored) {
    const Session session = redact_session(stored);
    QString md;
    const QString title = one_line(session.title);
    md += QStringLiteral("# %1\n\n").arg(title.isEmpty() ? QStringLiteral("Untitled session") : title);
    md += QStringLiteral("- Session: %1\n").arg(session.id);
    md += QStringLiteral("- Panel: %1\n").arg(panel_name(session.panel));
    md += QStringLiteral("- Created: %1\n").arg(iso(session.created_at));
    md += QStringLiteral("- Updated: %1\n").arg(iso(session.updated_at));
    if (!session.model.isEmpty()) md += QStringLiteral("- Model: %1\n").arg(one_line(session.model));
    if (!session.backend.isEmpty()) md += QStringLiteral("- Backend: %1\n").arg(one_line(session.backend));
    if (session.pinned) md += QStringLiteral("- Pinned: yes\n");

    for (size_t i = 0; i < session.turns.size(); ++i) {
        const Turn& t = session.turns[i];
        md += QStringLiteral("\n## Turn %1\n\n").arg(i + 1);
        md += QStringLiteral("- Asked: %1\n").arg(iso(t.created_at));
        md += QStringLiteral("- Tokens: %1 prompt, %2 completion\n").arg(t.prompt_tokens).arg(t.completion_tokens);
        md += QStringLiteral("- Time: %1 ms prompt, %2 ms decode\n").arg(number(t.prompt_ms), number(t.decode_ms));
        md += QStringLiteral("\n### Request\n\n") + fenced(t.request, QStringLiteral("text"));
        md += QStringLiteral("\n### Output\n\n") + fenced(t.raw_output, QStringLiteral("text"));
        if (!t.result_json.isEmpty())
            md += QStringLiteral("\n### Result\n\n") + fenced(t.result_json, QStringLiteral("json"));
    }

    if (!session.executions.empty()) md += QStringLiteral("\n## Executions\n");
    for (size_t i = 0; i < session.executions.size(); ++i) {
        const Execution& e = session.executions[i];
        md += QStringLiteral("\n### Execution %1\n\n").arg(i + 1);
        if (e.turn_id) {
            // Refer to the turn by its number in this document, not by a database id.
            const auto it = std::find_if(session.turns.begin(), session.turns.end(),
                                         [&](const Turn& t) { return t.id == *e.turn_id; });
            if (it != session.turns.end())
                md += QStringLiteral("- From turn: %1\n").arg(it - session.turns.begin() + 1);
        }
        if (!e.host.isEmpty()) md += QStringLiteral("- Host: %1\n").arg(one_line(e.host));
        md += QStringLiteral("- Started: %1\n").arg(iso(e.started_at));
        md += QStringLiteral("- Exit code: %1\n").arg(e.exit_code);
        md += QStringLiteral("- Duration: %1 ms\n\n").arg(e.duration_ms);
        md += fenced(e.command, QStringLiteral("sh"));
        if (!e.output_excerpt.isEmpty())
            md += QStringLiteral("\nOutput (excerpt):\n\n") + fenced(e.output_excerpt, QStringLiteral("text"));
    }
    return md;
}

}  // namespace sigma::app
