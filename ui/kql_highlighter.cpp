// KqlHighlighter: lexical colouring plus diagnostic underlines.
// Not multi-line aware for strings: KQL string literals do not span lines (except @"" verbatim, rare).
#include "ui/kql_highlighter.h"

#include <QTextDocument>

namespace sigma::ui {

KqlHighlighter::KqlHighlighter(QTextDocument* document)
    : QSyntaxHighlighter(document),
      keywords_(
          QStringLiteral(
              "\\b(where|project|project-away|project-rename|project-reorder|extend|summarize|by|join|kind|on|union|"
              "take|limit|top|order|sort|asc|desc|count|distinct|let|render|parse|mv-expand|make-series|"
              "and|or|not|in|has|has_any|has_all|contains|startswith|endswith|matches|regex|between|"
              "ago|now|bin|datetime|timespan|iff|case|isnull|isnotnull|isempty|isnotempty|tostring|toint|"
              "tolong|todouble|dcount|avg|sum|min|max|percentile|countif|sumif|arg_max|arg_min|make_list|make_set|true|"
              "false)\\b"),
          QRegularExpression::CaseInsensitiveOption),
      operators_(QStringLiteral("\\||==|!=|=~|!~|<=|>=|<|>|=|\\+|-|\\*|/|%")),
      strings_(QStringLiteral("@?\"(?:[^\"\\\\]|\\\\.)*\"|@?'(?:[^'\\\\]|\\\\.)*'")),
      numbers_(QStringLiteral("\\b\\d+(\\.\\d+)?(d|h|m|s|ms|tick)?\\b")) {
    keyword_format_.setForeground(QColor(0x1f, 0x5f, 0xbf));
    keyword_format_.setFontWeight(QFont::Bold);
    operator_format_.setForeground(QColor(0x9c, 0x27, 0xb0));
    string_format_.setForeground(QColor(0x2e, 0x8b, 0x57));
    number_format_.setForeground(QColor(0xb0, 0x60, 0x00));
    comment_format_.setForeground(QColor(0x80, 0x80, 0x80));
    comment_format_.setFontItalic(true);
}

void KqlHighlighter::set_diagnostics(const QList<TextRange>& ranges) {
    diagnostics_ = ranges;
    rehighlight();
}

void KqlHighlighter::highlightBlock(const QString& text) {
    auto apply = [&](const QRegularExpression& re, const QTextCharFormat& format) {
        for (auto it = re.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            setFormat(static_cast<int>(m.capturedStart()), static_cast<int>(m.capturedLength()), format);
        }
    };
    apply(operators_, operator_format_);
    apply(numbers_, number_format_);
    apply(keywords_, keyword_format_);
    apply(strings_, string_format_);
    // A comment runs to the end of the line, unless the slashes sit inside a string.
    int comment = -1;
    bool in_string = false;
    QChar quote;
    for (int i = 0; i + 1 < text.size(); ++i) {
        const QChar c = text[i];
        if (in_string) {
            if (c == QLatin1Char('\\')) ++i;
            else if (c == quote) in_string = false;
        } else if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            in_string = true;
            quote = c;
        } else if (c == QLatin1Char('/') && text[i + 1] == QLatin1Char('/')) {
            comment = i;
            break;
        }
    }
    if (comment >= 0) setFormat(comment, static_cast<int>(text.size()) - comment, comment_format_);

    const int block_start = currentBlock().position();
    const int block_end = block_start + static_cast<int>(text.size());
    for (const TextRange& r : diagnostics_) {
        // A zero-length range (e.g. "missing operand at end") still gets one visible character.
        const int start = r.start;
        const int end = r.start + std::max(1, r.length);
        const int from = std::max(start, block_start);
        const int to = std::min(end, std::max(block_end, block_start + 1));
        if (from >= to) continue;
        for (int i = from; i < to; ++i) {
            QTextCharFormat f = format(i - block_start);
            f.setUnderlineStyle(QTextCharFormat::WaveUnderline);
            f.setUnderlineColor(QColor(0xc0, 0x39, 0x2b));
            f.setToolTip(r.message);
            setFormat(i - block_start, 1, f);
        }
    }
}

}  // namespace sigma::ui
