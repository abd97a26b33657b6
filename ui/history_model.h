// HistoryModel: session summaries grouped by date (Today, This week, Earlier) as a two-level tree:
// group rows at the top, sessions below. Lives on the GUI thread; filled with values from
// HistoryService answers. Not a query: it never touches the database.
#pragma once

#include <QAbstractItemModel>
#include <QDateTime>
#include <QList>

#include "app/history_types.h"

namespace sigma::ui {

class HistoryModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Role { SessionIdRole = Qt::UserRole + 1, PanelRole };
    enum Group { Today = 0, ThisWeek = 1, Earlier = 2, GroupCount = 3 };

    explicit HistoryModel(QObject* parent = nullptr);

    // `now` decides the groups (tests pass a fixed one).
    void set_sessions(const QList<app::Session>& sessions, const QDateTime& now = QDateTime::currentDateTime());
    qint64 session_id(const QModelIndex& index) const;  // 0 for a group row
    int session_count() const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

private:
    // internalId: 0 for a group row, group + 1 for a session row.
    QList<app::Session> groups_[GroupCount];
};

}  // namespace sigma::ui
