// Json: round trips, escapes, and hostile input (deep nesting, truncation) rejected with a message.
#include <gtest/gtest.h>

#include "app/domain/json.h"

using sigma::domain::Json;

TEST(Json, ParsesAndDumpsRoundTrip) {
    std::string err;
    auto v = Json::parse(R"({"a": [1, 2.5, true, null, "x\ny"], "b": {"c": "\u00e9\ud83d\ude00"}})", &err);
    ASSERT_TRUE(v) << err;
    EXPECT_EQ(v->dump(), "{\"a\":[1,2.5,true,null,\"x\\ny\"],\"b\":{\"c\":\"\xC3\xA9\xF0\x9F\x98\x80\"}}");
    EXPECT_EQ((*v)["b"].get_string("c"), "\xC3\xA9\xF0\x9F\x98\x80");
    EXPECT_EQ((*v)["a"].as_array().size(), 5u);
    EXPECT_TRUE((*v)["missing"].is_null());
}

TEST(Json, RejectsMalformedInputWithOffsets) {
    for (const char* bad : {"", "{", "[1,", "{\"a\" 1}", "tru", "\"abc", "[1] x", "{\"a\":-}", "\"\\q\""}) {
        std::string err;
        EXPECT_FALSE(Json::parse(bad, &err)) << bad;
        EXPECT_NE(err.find("byte"), std::string::npos) << bad << " -> " << err;
    }
}

TEST(Json, DeepNestingIsBoundedNotACrash) {
    std::string deep(100000, '[');
    std::string err;
    EXPECT_FALSE(Json::parse(deep, &err));
    EXPECT_NE(err.find("nesting too deep"), std::string::npos) << err;
}

TEST(Json, BuildersKeepOrderAndReplaceKeys) {
    Json o = Json::object();
    o.set("z", 1).set("a", "two").set("z", 3);
    EXPECT_EQ(o.dump(), "{\"z\":3,\"a\":\"two\"}");
    Json a = Json::array();
    a.push(1.5).push(Json()).push(Json::object());
    EXPECT_EQ(a.dump(), "[1.5,null,{}]");
}
