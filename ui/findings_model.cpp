// FindingsModel: diagnosis findings as rows.
// Not editable: findings are evidence, never changed by the user.
#include "ui/findings_model.h"

#include <QBrush>
#include <QColor>
#include <QStringList>

namespace sigma::ui {

FindingsModel::FindingsModel(QObject* parent) : QAbstractTableModel(parent) {}

void FindingsModel::set_findings(const std::vector<domain::Finding>& findings) {
    beginResetModel();
    findings_ = findings;
    endResetModel();
}

const domain::Finding* FindingsModel::finding(int row) const {
    return row >= 0 && row < static_cast<int>(findings_.size()) ? &findings_[static_cast<size_t>(row)] : nullptr;
}

QString FindingsModel::line_list(const domain::Finding& finding, int max) {
    QStringList items;
    int total = 0;
    for (const domain::Evidence& e : finding.evidence) {
        ++total;
        if (items.size() >= max) continue;
        items << (e.end_line() > e.line ? QStringLiteral("%1–%2").arg(e.line).arg(e.end_line())
                                        : QString::number(e.line));
    }
    QString text = items.join(QStringLiteral(", "));
    if (total > items.size()) text += tr(" … (%1 more)").arg(total - items.size());
    return text;
}

int FindingsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(findings_.size());
}

int FindingsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : 3; }

QVariant FindingsModel::data(const QModelIndex& index, int role) const {
    const domain::Finding* f = index.isValid() ? finding(index.row()) : nullptr;
    if (!f) return {};
    const QString severity = QString::fromLatin1(domain::severity_name(f->severity));
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case 0: return severity;
                case 1: return QString::fromStdString(f->title);
                case 2: return line_list(*f);
            }
            return {};
        case Qt::ForegroundRole:
            if (index.column() != 0) return {};
            switch (f->severity) {
                case domain::Severity::Critical: return QBrush(QColor(0xc0, 0x39, 0x2b));
                case domain::Severity::High: return QBrush(QColor(0xd3, 0x54, 0x00));
                case domain::Severity::Medium: return QBrush(QColor(0xc9, 0x8a, 0x00));
                case domain::Severity::Low: return QBrush(QColor(0x55, 0x55, 0x55));
            }
            return {};
        case Qt::ToolTipRole:
            if (index.column() == 2)
                return tr("Evidence lines: %1 (%n matching line(s) in all)", nullptr, static_cast<int>(f->hits))
                    .arg(line_list(*f, 50));
            return QString::fromStdString(f->explanation);
        case SeverityRole: return severity;
        case EvidenceLinesRole: {
            QList<qulonglong> lines;
            for (const auto& e : f->evidence) lines << static_cast<qulonglong>(e.line);
            return QVariant::fromValue(lines);
        }
    }
    return {};
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case 0: return tr("Severity");
        case 1: return tr("Finding");
        case 2: return tr("Lines");
    }
    return {};
}

}  // namespace sigma::ui
