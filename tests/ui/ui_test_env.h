// UiTestEnv: a temporary data and config directory per test (no test touches the real home) and the
// shared AppContext built on it; make_tiny_backend puts a small random-weight model behind it.
// Not a fake: the context, history thread and backend are the real ones the app uses.
#pragma once

#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

#include "app/data_paths.h"
#include "app/local_backend.h"
#include "tools/mkmodel/mkmodel.h"
#include "ui/app_context.h"

struct UiTestEnv {
    QTemporaryDir dir;
    std::unique_ptr<sigma::ui::AppContext> context;

    UiTestEnv() {
        // An empty environment: DataPaths then uses only the setters below.
        sigma::app::DataPaths paths{QProcessEnvironment()};
        paths.set_data_dir(dir.filePath(QStringLiteral("data")));
        paths.set_config_dir(dir.filePath(QStringLiteral("config")));
        context = std::make_unique<sigma::ui::AppContext>(paths);
    }
    QString db_path() const { return context->paths().history_db_path(); }

    // Writes a tiny llama-shaped model and installs a LocalBackend on it; true once it has loaded.
    bool use_tiny_model() {
        const QString path = dir.filePath(QStringLiteral("tiny.gguf"));
        sigma::mkmodel::Options o;
        o.output = path.toStdString();
        o.arch = "llama";
        o.layers = 2;
        o.hidden = 64;
        o.heads = 4;
        o.ctx = 4096;
        o.vocab = 512;
        o.seed = 7;
        if (auto st = sigma::mkmodel::write_model(o); !st) {
            qWarning("tiny model: %s", st.error().message.c_str());
            return false;
        }
        sigma::app::LocalBackendOptions lo;
        lo.model_path = path;
        lo.n_threads = 1;
        lo.template_name = QStringLiteral("chatml");
        auto backend = std::make_unique<sigma::app::LocalBackend>(lo);
        QSignalSpy loaded(backend.get(), &sigma::app::LocalBackend::loadFinished);
        context->set_backend(std::move(backend), QStringLiteral("local"), path);
        if (loaded.isEmpty() && !loaded.wait(60000)) return false;
        if (!loaded.first().at(0).toBool()) {
            qWarning("tiny model: %s", qPrintable(loaded.first().at(1).toString()));
            return false;
        }
        context->set_backend_ready(true);
        return true;
    }
};
