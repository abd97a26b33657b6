// REQUIRE_OK for Qt Test: stops the test with the error's message unless an Expected or Status is ok.
// Not a check of the value itself: each test states what it expects of the result after this.
#pragma once

#include <QtTest>

// Stops the test with the error's message unless `expr` (an Expected or Status) is ok.
#define REQUIRE_OK(expr)                                              \
    do {                                                              \
        const auto& r_ = (expr);                                      \
        QVERIFY2(r_.ok(), r_.ok() ? "" : r_.error().message.c_str()); \
    } while (0)
