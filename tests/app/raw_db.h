// RawDb: a raw SQLite connection of a test's own, to look at (or age) a history file behind the
// store's back. Not a store: no redaction, no migrations, no error translation.
#pragma once

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QVariant>
#include <QtDebug>

namespace {

class RawDb {
public:
    explicit RawDb(const QString& path) : name_(QStringLiteral("raw-%1").arg(++serial_)) {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name_);
        db.setDatabaseName(path);
        ok_ = db.open();
    }
    ~RawDb() {
        { QSqlDatabase::database(name_, false).close(); }
        QSqlDatabase::removeDatabase(name_);
    }
    bool ok() const { return ok_; }
    bool exec(const QString& sql) {
        QSqlQuery q(QSqlDatabase::database(name_, false));
        const bool ok = q.exec(sql);
        if (!ok) qWarning() << sql << q.lastError().text();
        return ok;
    }
    QVariant scalar(const QString& sql) {
        QSqlQuery q(QSqlDatabase::database(name_, false));
        if (!q.exec(sql) || !q.next()) return {};
        return q.value(0);
    }

private:
    static inline int serial_ = 0;
    QString name_;
    bool ok_ = false;
};

}  // namespace
