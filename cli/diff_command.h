// `kaoping diff OLD.kp NEW.kp --data DIR... [--param NAME=VALUE]... [--history PREV.csv]`:
// runs both schemes on the same data and prints who changes tier, award or rank, by how
// much, and which rules caused it, with counts per unit (runtime/output/diff.h).
#pragma once

#include <cstddef>
#include <string>

#include "compiler/support/diagnostics.h"
#include "runtime/eval/engine.h"

namespace kaoping {

// The exit status of `diff --exit-code` when the two runs differ.
constexpr int kExitDiffers = 4;

// Exit status 1 when a scheme does not compile or a run fails; otherwise 0, or with
// `exitCode` kExitDiffers when the report lists a difference (DiffReport::differs).
int diffCommand(const std::string& oldRules, const std::string& newRules, const eval::Inputs& inputs, size_t limit,
                bool exitCode, Lang lang);

}  // namespace kaoping
