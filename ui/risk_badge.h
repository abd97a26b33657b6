// make_risk_badge: the coloured label for a risk class (read-only green, changes-state amber,
// destructive red). Not a classifier: the risk text comes from the validator.
#pragma once

#include <QString>

class QLabel;
class QWidget;

namespace sigma::ui {

QLabel* make_risk_badge(const QString& risk, QWidget* parent);
void set_risk_badge(QLabel* badge, const QString& risk);

}  // namespace sigma::ui
