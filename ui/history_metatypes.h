// Metatype declarations for the history values that travel in queued signals.
// Not a registry call: HistoryService registers them at run time; this only declares them, once.
#pragma once

#include <QMetaType>

#include "app/history_types.h"

Q_DECLARE_METATYPE(sigma::app::Session)
Q_DECLARE_METATYPE(sigma::app::SearchHit)
