// The one-way layers, checked on every #include of the source tree: ui -> app -> inference -> kernels
// -> inference/core. Not a build check: the targets' link lines allow some of these includes anyway
// (kernels sees the whole source root), so only this scan keeps them out.
//
//   inference/core  the value types kernels and the engine share: the standard library only
//   kernels/        no Qt; of inference/ only inference/core/; never app/ or ui/
//   inference/      no Qt; never app/ or ui/
//   app/            Qt Core/Sql/Network only: no Widgets or Gui, never ui/; app/domain no Qt at all
//   ui/             never an inference/ header (it reaches the engine through app/)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Include {
    std::string file;  // relative to the source root
    int line = 0;
    std::string target;  // what is between the quotes or angle brackets
    bool angled = false;
};

std::vector<Include> includes_under(const std::string& folder) {
    const fs::path root(SIGMA_SOURCE_DIR);
    const std::regex directive(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
    std::vector<Include> out;
    for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
        const std::string ext = entry.path().extension().string();
        if (!entry.is_regular_file() ||
            (ext != ".h" && ext != ".hpp" && ext != ".cpp" && ext != ".cu" && ext != ".cuh"))
            continue;
        std::ifstream in(entry.path());
        std::string text;
        int n = 0;
        while (std::getline(in, text)) {
            ++n;
            std::smatch m;
            if (std::regex_search(text, m, directive))
                out.push_back({fs::relative(entry.path(), root).generic_string(), n, m[2].str(), m[1].str() == "<"});
        }
    }
    return out;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// A Qt header: <QFoo>, <QtCore/...>, <qfoo.h>.
bool is_qt(const Include& i) {
    if (!i.angled) return false;
    static const std::regex qt(R"(^(Q[A-Z]\w*|Qt\w*/.*|q\w+\.h)$)");
    return std::regex_match(i.target, qt);
}

// A header of Qt Widgets or Qt Gui, the modules app/ must not use.
bool is_qt_gui(const Include& i) {
    if (!i.angled) return false;
    static const std::regex gui(
        R"(^(QtWidgets|QtGui)(/.*)?$|^Q(Widget|Application|GuiApplication|MainWindow|Dialog|DialogButtonBox|Label|)"
        R"(PushButton|ToolButton|LineEdit|TextEdit|PlainTextEdit|TextBrowser|ComboBox|CheckBox|RadioButton|SpinBox|)"
        R"(DoubleSpinBox|Slider|ProgressBar|[HV]BoxLayout|BoxLayout|GridLayout|FormLayout|StackedWidget|TabWidget|)"
        R"(Splitter|ScrollArea|GroupBox|Frame|MenuBar|Menu|ToolBar|StatusBar|MessageBox|FileDialog|InputDialog|)"
        R"(TreeView|TableView|ListView|HeaderView|StyledItemDelegate|Action|Shortcut|KeySequence|Clipboard|Painter|)"
        R"(Pixmap|Image|Icon|Font|FontMetrics|Color|Palette|Brush|Pen|Window|Screen|TextDocument|SyntaxHighlighter)$)");
    return std::regex_match(i.target, gui);
}

std::string where(const Include& i) { return i.file + ":" + std::to_string(i.line) + ": #include " + i.target; }

}  // namespace

TEST(Layering, InferenceCoreUsesOnlyTheStandardLibrary) {
    for (const Include& i : includes_under("inference/core"))
        EXPECT_TRUE(i.angled ? !is_qt(i) : starts_with(i.target, "inference/core/")) << where(i);
}

TEST(Layering, KernelsIncludeNoQtAndOfTheEngineOnlyItsCore) {
    size_t seen = 0;
    for (const Include& i : includes_under("kernels")) {
        ++seen;
        EXPECT_FALSE(is_qt(i)) << where(i);
        EXPECT_FALSE(starts_with(i.target, "app/") || starts_with(i.target, "ui/")) << where(i);
        if (i.target.find("inference/") != std::string::npos) {
            EXPECT_TRUE(starts_with(i.target, "inference/core/"))
                << where(i) << " (only inference/core/ lies below kernels)";
        }
    }
    EXPECT_GT(seen, 10u);
}

TEST(Layering, InferenceIncludesNoQtAndNothingAboveIt) {
    size_t seen = 0;
    for (const Include& i : includes_under("inference")) {
        ++seen;
        EXPECT_FALSE(is_qt(i)) << where(i);
        EXPECT_FALSE(starts_with(i.target, "app/") || starts_with(i.target, "ui/")) << where(i);
    }
    EXPECT_GT(seen, 50u);
}

TEST(Layering, AppUsesNoWidgetsAndItsDomainNoQt) {
    size_t seen = 0;
    for (const Include& i : includes_under("app")) {
        ++seen;
        EXPECT_FALSE(is_qt_gui(i)) << where(i) << " (app/ is Qt Core/Sql/Network only)";
        EXPECT_FALSE(starts_with(i.target, "ui/")) << where(i);
        if (starts_with(i.file, "app/domain/")) {
            EXPECT_FALSE(is_qt(i)) << where(i) << " (app/domain is plain C++)";
        }
    }
    EXPECT_GT(seen, 50u);
}

TEST(Layering, UiNeverIncludesAnEngineHeader) {
    size_t seen = 0;
    for (const Include& i : includes_under("ui")) {
        ++seen;
        EXPECT_EQ(i.target.find("inference/"), std::string::npos) << where(i);
        EXPECT_EQ(i.target.find("kernels/"), std::string::npos) << where(i);
    }
    EXPECT_GT(seen, 20u);
}

// The scan itself: it must see a violation when there is one.
TEST(Layering, TheClassifiersRecogniseQtHeaders) {
    EXPECT_TRUE(is_qt({"x", 1, "QString", true}));
    EXPECT_TRUE(is_qt({"x", 1, "QtCore/qglobal.h", true}));
    EXPECT_FALSE(is_qt({"x", 1, "queue", true}));
    EXPECT_FALSE(is_qt({"x", 1, "QString", false}));
    EXPECT_TRUE(is_qt_gui({"x", 1, "QWidget", true}));
    EXPECT_TRUE(is_qt_gui({"x", 1, "QtWidgets/QLabel", true}));
    EXPECT_FALSE(is_qt_gui({"x", 1, "QTcpSocket", true}));
    EXPECT_FALSE(is_qt_gui({"x", 1, "QSqlDatabase", true}));
}
