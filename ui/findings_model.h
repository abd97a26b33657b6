// FindingsModel: the diagnosis findings as a table (severity, title, evidence line numbers), best first, with the
// evidence line numbers of each row available by role. Lives on the GUI thread; filled with values.
// Not an analyser: rows come from a finished DiagnoseResult.
#pragma once

#include <QAbstractTableModel>
#include <QList>

#include "app/domain/diag_engine.h"

namespace sigma::ui {

class FindingsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Role { EvidenceLinesRole = Qt::UserRole + 1, SeverityRole };

    explicit FindingsModel(QObject* parent = nullptr);
    void set_findings(const std::vector<domain::Finding>& findings);
    const domain::Finding* finding(int row) const;
    // The evidence line numbers as a reader writes them: "12, 14–16, 40", at most `max` items and
    // then "… (N more)".
    static QString line_list(const domain::Finding& finding, int max = 6);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<domain::Finding> findings_;
};

}  // namespace sigma::ui
