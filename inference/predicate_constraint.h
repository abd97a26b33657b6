// PredicateConstraint: adapts a checker that only judges whole texts (`viable(text)`, `complete(text)`)
// to the Constraint interface, by keeping the text in the cursor and asking again after every feed.
// Not incremental: each feed re-checks the whole text, so a mask costs (trie nodes visited) x (text
// length); a parser that can keep state should implement ConstraintCursor itself.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "inference/constraint.h"

namespace sigma {

class PredicateConstraint : public Constraint {
public:
    // viable(text): could `text` still grow into a valid answer? It must be prefix-closed (a text
    // whose prefix is not viable is not viable) and must accept the empty text if anything is valid.
    // The text may end inside a UTF-8 character (a token can carry part of one): a byte-wise checker
    // (a prefix of a command line) judges the bytes as they are; a character-wise one should answer
    // true for an unfinished character it cannot judge yet. Invalid UTF-8 never reaches it (the
    // cursor rejects it). complete(text): is `text` a whole valid answer? Asked only about whole
    // characters. Both must be safe to call from several threads when cursors are.
    PredicateConstraint(std::function<bool(std::string_view)> viable, std::function<bool(std::string_view)> complete);

    std::unique_ptr<ConstraintCursor> start() const override;

private:
    class Cursor;
    std::function<bool(std::string_view)> viable_;
    std::function<bool(std::string_view)> complete_;
};

}  // namespace sigma
