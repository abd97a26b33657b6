// FindingsModel: the diagnosis findings as a table (severity, title, hits), best first, with the
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

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<domain::Finding> findings_;
};

}  // namespace sigma::ui
