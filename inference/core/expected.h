// Expected<T>: a value or an Error, the engine's only way of reporting failure.
// Not an exception type: the engine never throws across its API and never aborts on bad input.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sigma {

enum class ErrorCode {
    Io,           // the file could not be opened, read or mapped
    Format,       // the bytes are not what the format says (magic, version, counts, offsets)
    Unsupported,  // valid, but something this engine does not implement (architecture, type)
    InvalidArgument,
    OutOfMemory,
    Cancelled,
    Internal,
    ConstraintDeadEnd,  // constrained generation: the constraint allowed no next token (constraint.h)
};

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;  // names the field or argument at fault
};

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

template <typename T>
class Expected {
public:
    Expected(T value) : v_(std::move(value)) {}
    Expected(Error error) : v_(std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &std::get<0>(v_); }
    const T* operator->() const { return &std::get<0>(v_); }
    T& operator*() & { return std::get<0>(v_); }

    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

// Expected<void>: success or an Error.
class Status {
public:
    Status() = default;
    Status(Error error) : error_(std::move(error)), ok_(false) {}
    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { return error_; }

private:
    Error error_;
    bool ok_ = true;
};

}  // namespace sigma

// Early return: evaluates `expr` (a Status) and, when it is an error, returns that error from the
// calling function (which returns a Status or an Expected). The one such macro of the engine.
#define SIGMA_TRY(expr)                             \
    do {                                            \
        ::sigma::Status sigma_try_ = (expr);        \
        if (!sigma_try_) return sigma_try_.error(); \
    } while (0)
