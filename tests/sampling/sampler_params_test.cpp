#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include "engine/error.h"
#include "engine/sampling/sampler.h"

namespace mosaic {
namespace {

// Expects the constructor to reject params and name `field` in the message.
void expect_rejected(const std::function<void(SamplerParams&)>& change, const std::string& field) {
  SamplerParams params;
  change(params);
  try {
    Sampler sampler(params);
    ADD_FAILURE() << "params with a bad " << field << " were accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

TEST(SamplerParams, DefaultsAreValid) {
  Sampler sampler{SamplerParams{}};
  EXPECT_FLOAT_EQ(sampler.params().temperature, 0.8f);
  EXPECT_EQ(sampler.params().top_k, 40);
}

TEST(SamplerParams, BoundaryValuesAreValid) {
  SamplerParams params;
  params.temperature = 0.0f;
  params.top_k = 0;
  params.top_p = 1.0f;
  params.min_p = 0.0f;
  params.repeat_last_n = 0;
  params.presence_penalty = -1.0f;
  params.frequency_penalty = -1.0f;
  EXPECT_NO_THROW(Sampler{params});
}

TEST(SamplerParams, RejectsBadTemperature) {
  expect_rejected([](SamplerParams& p) { p.temperature = kNaN; }, "temperature");
  expect_rejected([](SamplerParams& p) { p.temperature = -0.1f; }, "temperature");
  expect_rejected([](SamplerParams& p) { p.temperature = INFINITY; }, "temperature");
}

TEST(SamplerParams, RejectsTopPOutsideOpenZeroToOne) {
  expect_rejected([](SamplerParams& p) { p.top_p = 0.0f; }, "top_p");
  expect_rejected([](SamplerParams& p) { p.top_p = 1.01f; }, "top_p");
  expect_rejected([](SamplerParams& p) { p.top_p = kNaN; }, "top_p");
}

TEST(SamplerParams, RejectsMinPOutsideZeroToOne) {
  expect_rejected([](SamplerParams& p) { p.min_p = -0.01f; }, "min_p");
  expect_rejected([](SamplerParams& p) { p.min_p = 1.0f; }, "min_p");
  expect_rejected([](SamplerParams& p) { p.min_p = kNaN; }, "min_p");
}

TEST(SamplerParams, RejectsNonPositiveRepeatPenalty) {
  expect_rejected([](SamplerParams& p) { p.repeat_penalty = 0.0f; }, "repeat_penalty");
  expect_rejected([](SamplerParams& p) { p.repeat_penalty = -1.0f; }, "repeat_penalty");
  expect_rejected([](SamplerParams& p) { p.repeat_penalty = kNaN; }, "repeat_penalty");
}

TEST(SamplerParams, RejectsNonFiniteLinearPenalties) {
  expect_rejected([](SamplerParams& p) { p.presence_penalty = kNaN; }, "presence_penalty");
  expect_rejected([](SamplerParams& p) { p.frequency_penalty = INFINITY; }, "frequency_penalty");
}

TEST(SamplerParams, RejectsNegativeRepeatWindow) {
  expect_rejected([](SamplerParams& p) { p.repeat_last_n = -1; }, "repeat_last_n");
}

}  // namespace
}  // namespace mosaic
