// KqlHighlighter: colours KQL (keywords, operators, strings, comments) and underlines the
// validator's diagnostics at their exact character ranges. Not a parser: a lexical colouring only;
// the meaning of the query is the validator's business.
#pragma once

#include <QList>
#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace sigma::ui {

struct TextRange {
    int start = 0;  // characters from the start of the document
    int length = 0;
    QString message;
};

class KqlHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    explicit KqlHighlighter(QTextDocument* document);

    void set_diagnostics(const QList<TextRange>& ranges);
    const QList<TextRange>& diagnostics() const { return diagnostics_; }

protected:
    void highlightBlock(const QString& text) override;

private:
    QRegularExpression keywords_;
    QRegularExpression operators_;
    QRegularExpression strings_;
    QRegularExpression numbers_;
    QTextCharFormat keyword_format_;
    QTextCharFormat operator_format_;
    QTextCharFormat string_format_;
    QTextCharFormat number_format_;
    QTextCharFormat comment_format_;
    QList<TextRange> diagnostics_;
};

}  // namespace sigma::ui
