// sigma run: placeholder until the command lands; reports that it is not available in this build.
#include "app/cli/commands.h"

namespace sigma::cli {
int cmd_run(CliArgs&) { return fail("run", "not available in this build yet", kExitFailure); }
}  // namespace sigma::cli
