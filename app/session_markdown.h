// Renders one history Session as a Markdown document, and names the file it is exported to.
// Deterministic: the same session always gives the same bytes, so an unchanged session is never
// rewritten by an incremental export. Not a redactor of its own: every field passes through
// redact_session (history_store.h) first, so even rows stored before secrets were scrubbed on the
// way in are written, and named, without them; nothing is added beyond the session's own fields.
#pragma once

#include <QString>

#include "app/history_types.h"

namespace sigma::app {

// Lower-case ASCII words of the title joined by '-', at most 48 characters; "session" if none.
// Callers pass a redacted title (session_file_name does).
QString session_slug(const QString& title);

// "<yyyy-MM-dd>-<id>-<slug>.md", the date being the session's creation day (UTC). The part before
// the slug never changes for a session, so a renamed session's old file can be found by it.
QString session_file_name(const Session& session);
// "<yyyy-MM-dd>-<id>-": the stable prefix of session_file_name().
QString session_file_prefix(const Session& session);

// The whole session: a header of its fields, each turn (request, output, result, token counts)
// and each execution (command, host, exit code, output excerpt). Code blocks are fenced with more
// backticks than the text contains, so stored text can never break out of its block.
QString render_session_markdown(const Session& session);

}  // namespace sigma::app
