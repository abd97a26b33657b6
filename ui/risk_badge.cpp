// Risk badge colours.
// Not themeable on purpose: the three colours mean the same everywhere in the app.
#include "ui/risk_badge.h"

#include <QCoreApplication>
#include <QLabel>

namespace sigma::ui {

void set_risk_badge(QLabel* badge, const QString& risk) {
    QString colour = QStringLiteral("#c98a00");
    QString text = QCoreApplication::translate("RiskBadge", "changes state");
    if (risk == QLatin1String("read-only")) {
        colour = QStringLiteral("#2e8b57");
        text = QCoreApplication::translate("RiskBadge", "read-only");
    } else if (risk == QLatin1String("destructive")) {
        colour = QStringLiteral("#c0392b");
        text = QCoreApplication::translate("RiskBadge", "destructive");
    } else if (risk.isEmpty()) {
        badge->clear();
        badge->setStyleSheet({});
        return;
    }
    badge->setText(text);
    badge->setProperty("risk", risk);
    badge->setStyleSheet(
        QStringLiteral(
            "QLabel { background: %1; color: white; border-radius: 4px; padding: 2px 8px; font-weight: bold; }")
            .arg(colour));
}

QLabel* make_risk_badge(const QString& risk, QWidget* parent) {
    auto* badge = new QLabel(parent);
    badge->setObjectName(QStringLiteral("riskBadge"));
    set_risk_badge(badge, risk);
    return badge;
}

}  // namespace sigma::ui
