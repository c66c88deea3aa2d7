// Ctrl-C (SIGINT) and SIGTERM during a dir, git or image scan: the first signal sets a flag that
// the pipeline's input stage reads, so no new input is taken, the items in flight drain, and the
// report is finished and marked partial (exit 130). A second signal exits at once.
#pragma once

#include <atomic>

namespace leakhound {

// Installs the handlers (sigaction); the handler only sets the flag, or _exit(130) the second time.
void install_interrupt_handlers();

// True once SIGINT or SIGTERM arrived.
const std::atomic<bool>& interrupt_requested();

}  // namespace leakhound
