// The domain's answer constraints (app/domain/answer_constraint.h) as the engine's Constraint, so
// that LocalBackend can mask tokens with them. Not a checker of its own: every answer is the domain
// cursor's, byte for byte (free bytes included).
#pragma once

#include <memory>

#include "app/domain/answer_constraint.h"
#include "inference/constraint.h"

namespace sigma::app {

class DomainConstraint : public sigma::Constraint {
public:
    explicit DomainConstraint(std::shared_ptr<const domain::AnswerConstraint> answer) : answer_(std::move(answer)) {}
    std::unique_ptr<ConstraintCursor> start() const override;

private:
    std::shared_ptr<const domain::AnswerConstraint> answer_;
};

}  // namespace sigma::app
