// HistoryModel: the date-grouped session tree.
// Not sortable by the view: the service already returns the newest first.
#include "ui/history_model.h"

namespace sigma::ui {

HistoryModel::HistoryModel(QObject* parent) : QAbstractItemModel(parent) {}

void HistoryModel::set_sessions(const QList<app::Session>& sessions, const QDateTime& now) {
    beginResetModel();
    for (auto& g : groups_) g.clear();
    const QDate today = now.toLocalTime().date();
    for (const app::Session& s : sessions) {
        const QDate day = s.updated_at.toLocalTime().date();
        const qint64 age = day.daysTo(today);
        groups_[age <= 0 ? Today : age < 7 ? ThisWeek : Earlier].append(s);
    }
    endResetModel();
}

qint64 HistoryModel::session_id(const QModelIndex& index) const {
    if (!index.isValid() || index.internalId() == 0) return 0;
    const auto& g = groups_[index.internalId() - 1];
    return index.row() < g.size() ? g[index.row()].id : 0;
}

int HistoryModel::session_count() const {
    int n = 0;
    for (const auto& g : groups_) n += static_cast<int>(g.size());
    return n;
}

QModelIndex HistoryModel::index(int row, int column, const QModelIndex& parent) const {
    if (!hasIndex(row, column, parent)) return {};
    if (!parent.isValid()) return createIndex(row, column, quintptr(0));
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex HistoryModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || child.internalId() == 0) return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, quintptr(0));
}

int HistoryModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid()) return GroupCount;
    if (parent.internalId() != 0 || parent.column() != 0) return 0;
    return static_cast<int>(groups_[parent.row()].size());
}

int HistoryModel::columnCount(const QModelIndex&) const { return 4; }

QVariant HistoryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) return {};
    if (index.internalId() == 0) {
        if (role != Qt::DisplayRole || index.column() != 0) return {};
        static const char* names[] = {QT_TR_NOOP("Today"), QT_TR_NOOP("This week"), QT_TR_NOOP("Earlier")};
        return tr("%1 (%2)").arg(tr(names[index.row()])).arg(groups_[index.row()].size());
    }
    const auto& g = groups_[index.internalId() - 1];
    if (index.row() >= g.size()) return {};
    const app::Session& s = g[index.row()];
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case 0: return s.title;
                case 1: return app::panel_name(s.panel);
                case 2: return s.updated_at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
                case 3: return s.model;
            }
            return {};
        case Qt::ToolTipRole: return s.title;
        case SessionIdRole: return s.id;
        case PanelRole: return app::panel_name(s.panel);
    }
    return {};
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case 0: return tr("Title");
        case 1: return tr("Panel");
        case 2: return tr("Updated");
        case 3: return tr("Model");
    }
    return {};
}

Qt::ItemFlags HistoryModel::flags(const QModelIndex& index) const {
    if (!index.isValid()) return Qt::NoItemFlags;
    if (index.internalId() == 0) return Qt::ItemIsEnabled;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
}

}  // namespace sigma::ui
