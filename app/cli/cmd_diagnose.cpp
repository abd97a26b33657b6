// sigma diagnose: placeholder until the command lands; reports that it is not available in this build.
#include "app/cli/commands.h"

namespace sigma::cli {
int cmd_diagnose(CliArgs&) { return fail("diagnose", "not available in this build yet", kExitFailure); }
}  // namespace sigma::cli
