#include <gtest/gtest.h>

#include "engine/template/chat_template.h"

using mosaic::tmpl::ChatTemplate;

TEST(Smoke, Renders) {
  auto t = ChatTemplate::parse("Hello {{ messages[0].content }}!");
  EXPECT_EQ(t.render(mosaic::tmpl::Json::array({{{"role", "user"}, {"content", "x"}}}), {}), "Hello x!");
}
