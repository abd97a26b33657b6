// parse_json, dump_json and the tolerant readers (app/domain/json_parse.h): round trips in insertion
// order, UTF-8 passed through, and hostile input (deep nesting, oversize, malformed, invalid UTF-8)
// rejected with a message naming the byte offset, never an exception or a crash.
// Not a test of nlohmann/json itself: only what this project relies on.
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "app/domain/json_parse.h"

using nlohmann::ordered_json;
using namespace sigma::domain;

TEST(JsonParse, ParsesAndDumpsRoundTrip) {
    std::string err;
    auto v = parse_json(R"({"a": [1, 2.5, true, null, "x\ny"], "b": {"c": "\u00e9\ud83d\ude00"}})", &err);
    ASSERT_TRUE(v) << err;
    EXPECT_EQ(dump_json(*v), "{\"a\":[1,2.5,true,null,\"x\\ny\"],\"b\":{\"c\":\"\xC3\xA9\xF0\x9F\x98\x80\"}}");
    EXPECT_EQ(json_string(json_member(*v, "b"), "c"), "\xC3\xA9\xF0\x9F\x98\x80");
    EXPECT_EQ(json_array(*v, "a").size(), 5u);
    EXPECT_TRUE(json_member(*v, "missing").is_null());
}

TEST(JsonParse, Utf8IsPassedThroughAndControlCharactersEscaped) {
    const std::string text = "{\"k\":\"caf\xC3\xA9 \xE2\x86\x92 \xF0\x9F\x98\x80\"}";
    auto v = parse_json(text);
    ASSERT_TRUE(v);
    EXPECT_EQ(dump_json(*v), text);
    EXPECT_EQ(dump_json(ordered_json(std::string("a\x01\"\\/\b\f\n\r\t\x7f"))),
              "\"a\\u0001\\\"\\\\/\\b\\f\\n\\r\\t\x7f\"");
}

TEST(JsonParse, OutputKeepsInsertionOrderAndDuplicateKeysKeepTheirPlace) {
    ordered_json o = ordered_json::object();
    o["z"] = 1;
    o["a"] = "two";
    o["z"] = 3;
    EXPECT_EQ(dump_json(o), "{\"z\":3,\"a\":\"two\"}");
    ordered_json a = ordered_json::array();
    a.push_back(1.5);
    a.push_back(nullptr);
    a.push_back(ordered_json::object());
    EXPECT_EQ(dump_json(a), "[1.5,null,{}]");
    // A key given twice: the last value, in the first one's place.
    auto v = parse_json(R"({"b":1,"a":2,"b":3})");
    ASSERT_TRUE(v);
    EXPECT_EQ(dump_json(*v), R"({"b":3,"a":2})");
}

TEST(JsonParse, RejectsMalformedInputWithOffsets) {
    for (const char* bad : {"", "{", "[1,", "{\"a\" 1}", "tru", "\"abc", "[1] x", "{\"a\":-}", "\"\\q\"", "01", "1e400",
                            "\"\\ud800\"", "[1,]", "{\"a\":1,}", "// c\n1", "nul", "\"a\x01\""}) {
        std::string err;
        EXPECT_NO_THROW(EXPECT_FALSE(parse_json(bad, &err)) << bad);
        EXPECT_NE(err.find(" at byte "), std::string::npos) << bad << " -> " << err;
    }
    std::string err;
    EXPECT_FALSE(parse_json("[1] x", &err));
    EXPECT_TRUE(err.ends_with("at byte 4")) << err;  // the 'x'
    EXPECT_FALSE(parse_json("[1,\n2,x]", &err));
    EXPECT_TRUE(err.ends_with("at byte 6")) << err;
    EXPECT_FALSE(parse_json("[1,", &err));
    EXPECT_TRUE(err.ends_with("at byte 3")) << err;  // the end of the text
    EXPECT_EQ(err.find("[json.exception"), std::string::npos) << err;
}

TEST(JsonParse, InvalidUtf8IsAnErrorOnInputAndReplacedOnOutput) {
    std::string err;
    EXPECT_FALSE(parse_json("[\"ok\",\"bad \xFF byte\"]", &err));
    EXPECT_NE(err.find("UTF-8"), std::string::npos) << err;
    EXPECT_TRUE(err.ends_with("at byte 11")) << err;
    EXPECT_FALSE(parse_json("\"\xC3\"", &err));          // a truncated sequence
    EXPECT_FALSE(parse_json("\"\xED\xA0\x80\"", &err));  // an encoded surrogate
    // A log line or a command is not always UTF-8: written as U+FFFD, not thrown.
    std::string out;
    EXPECT_NO_THROW(out = dump_json(ordered_json(std::string("a\xFFz"))));
    EXPECT_EQ(out, "\"a\xEF\xBF\xBDz\"");
}

TEST(JsonParse, DeepNestingIsBoundedNotACrash) {
    std::string err;
    const std::string deep(100000, '[');
    EXPECT_FALSE(parse_json(deep, &err));
    EXPECT_NE(err.find("nesting too deep"), std::string::npos) << err;
    EXPECT_TRUE(err.ends_with("at byte 513")) << err;
    EXPECT_FALSE(parse_json(deep + std::string(100000, ']'), &err));
    std::string objects;
    for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
    EXPECT_FALSE(parse_json(objects + "1" + std::string(100000, '}'), &err));
    EXPECT_NE(err.find("nesting too deep"), std::string::npos) << err;
}

TEST(JsonParse, DepthLimitCountsContainersAroundAValue) {
    auto nested = [](int n, const std::string& inner) {
        return std::string(static_cast<size_t>(n), '[') + inner + std::string(static_cast<size_t>(n), ']');
    };
    std::string err;
    EXPECT_TRUE(parse_json(nested(513, ""), &err)) << err;  // the innermost array is inside 512 others
    EXPECT_FALSE(parse_json(nested(514, ""), &err));
    EXPECT_FALSE(parse_json(nested(513, "1"), &err));  // the 1 is inside 513
    EXPECT_TRUE(parse_json(nested(3, "1"), &err, 3)) << err;
    EXPECT_FALSE(parse_json(nested(4, "1"), &err, 3));
    EXPECT_TRUE(err.ends_with("at byte 4")) << err;  // the 1
    // Brackets inside strings are text, escaped quotes included.
    const char* strings = R"(["[[[[{{{{", "\"[[[[", {"k[":"]]]"}])";
    EXPECT_TRUE(parse_json(strings, &err, 2)) << err;
    EXPECT_FALSE(parse_json(strings, &err, 1));
    EXPECT_TRUE(err.ends_with("at byte 24")) << err;  // the key "k[", inside the array and the object
}

TEST(JsonParse, SizeLimit) {
    std::string err;
    EXPECT_TRUE(parse_json("[1, 2]", &err, kJsonMaxDepth, 6)) << err;
    EXPECT_FALSE(parse_json("[1, 2] ", &err, kJsonMaxDepth, 6));
    EXPECT_NE(err.find("over the limit of 6"), std::string::npos) << err;
    EXPECT_TRUE(err.ends_with("at byte 6")) << err;
    EXPECT_GE(kJsonMaxBytes, size_t{1} << 20);
}

TEST(JsonParse, NumbersAsTheDomainWritesThem) {
    EXPECT_EQ(dump_json(json_number(1.0)), "1");
    EXPECT_EQ(dump_json(json_number(0.0)), "0");
    EXPECT_EQ(dump_json(json_number(-0.0)), "0");
    EXPECT_EQ(dump_json(json_number(-42.0)), "-42");
    EXPECT_EQ(dump_json(json_number(0.5)), "0.5");
    EXPECT_EQ(dump_json(json_number(5.0 / 6.0)), "0.8333333333");
    EXPECT_EQ(dump_json(json_number(200.0 / 3.0)), "66.66666667");
    EXPECT_EQ(dump_json(json_number(1.5e-5)), "1.5e-05");
    EXPECT_EQ(dump_json(json_number(1e300)), "1e+300");
    EXPECT_EQ(dump_json(json_number(std::numeric_limits<double>::infinity())), "null");
    // Parsed integers stay integers; a value written with a fraction keeps it.
    EXPECT_EQ(dump_json(*parse_json("[3,-4,2.5,1.0]")), "[3,-4,2.5,1.0]");
}

TEST(JsonParse, TolerantReadersFallBackOnMissingOrMistypedMembers) {
    const ordered_json j = *parse_json(
        R"({"s":"x","n":7,"f":3.9,"neg":-2,"big":1e30,"huge":18446744073709551615,"b":true,"a":["p",1,"q"],"o":{"k":1}})");
    EXPECT_EQ(json_string(j, "s"), "x");
    EXPECT_EQ(json_string(j, "n", "fb"), "fb");
    EXPECT_EQ(json_string(j, "missing", "fb"), "fb");
    EXPECT_EQ(json_string(ordered_json::array(), "s", "fb"), "fb");
    EXPECT_EQ(json_string(ordered_json("s"), "s"), "");
    EXPECT_EQ(json_int(j, "n"), 7);
    EXPECT_EQ(json_int(j, "f"), 3);
    EXPECT_EQ(json_int(j, "neg"), -2);
    EXPECT_EQ(json_int(j, "big", -1), -1);
    EXPECT_EQ(json_int(j, "huge", -1), -1);
    EXPECT_EQ(json_int(j, "s", -1), -1);
    EXPECT_DOUBLE_EQ(json_double(j, "f"), 3.9);
    EXPECT_DOUBLE_EQ(json_double(j, "n"), 7.0);
    EXPECT_DOUBLE_EQ(json_double(j, "s", 10.0), 10.0);
    EXPECT_TRUE(json_bool(j, "b"));
    EXPECT_TRUE(json_bool(j, "n", true));
    EXPECT_EQ(json_strings(j, "a"), (std::vector<std::string>{"p", "q"}));
    EXPECT_TRUE(json_strings(j, "o").empty());
    EXPECT_EQ(json_array(j, "a").size(), 3u);
    EXPECT_TRUE(json_array(j, "o").empty());
    EXPECT_TRUE(json_array(j, "o").is_array());
    EXPECT_EQ(json_object(j, "o").size(), 1u);
    EXPECT_TRUE(json_object(j, "a").is_object());
    EXPECT_TRUE(json_object(j, "a").empty());
    EXPECT_EQ(json_find(j, "missing"), nullptr);
    EXPECT_EQ(json_find(ordered_json(5), "s"), nullptr);
    ASSERT_NE(json_find(j, "s"), nullptr);
    EXPECT_EQ(json_text(*json_find(j, "s")), "x");
    EXPECT_EQ(json_text(*json_find(j, "n")), "");
}
