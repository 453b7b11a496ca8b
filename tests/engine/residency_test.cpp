// Weights read into huge-page memory instead of mapped from the file: the
// same model, the same numbers.
#include <gtest/gtest.h>

#include "tests/engine/test_support.h"

namespace mosaic::testing {
namespace {

ModelPtr load_with(const std::string& path, mosaic_weights_residency residency) {
  mosaic_model_params params = mosaic_model_default_params();
  params.residency = residency;
  mosaic_model* m = nullptr;
  EXPECT_EQ(mosaic_model_load(path.c_str(), &params, &m), MOSAIC_OK) << mosaic_last_error();
  return ModelPtr(m);
}

TEST(WeightsResidency, HugePageCopyMatchesMappedFileExactly) {
  TempDir dir;
  const std::string path = dir.file("model.gguf");
  synthetic::write_model(tiny_spec(kernels::DType::Q8_0), path);
  const ModelPtr mapped = load_with(path, MOSAIC_WEIGHTS_MAPPED);
  const ModelPtr copied = load_with(path, MOSAIC_WEIGHTS_HUGE_PAGES);
  ASSERT_TRUE(mapped && copied);
  const std::vector<int32_t> tokens = {5, 17, 99, 3, 250, 41};
  const auto a = all_logits(mapped.get(), tokens, 4, MOSAIC_KV_F16);
  const auto b = all_logits(copied.get(), tokens, 4, MOSAIC_KV_F16);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]) << "position " << i;
}

TEST(WeightsResidency, MissingFileIsStillAClearError) {
  mosaic_model_params params = mosaic_model_default_params();
  params.residency = MOSAIC_WEIGHTS_HUGE_PAGES;
  mosaic_model* m = nullptr;
  EXPECT_EQ(mosaic_model_load("/nonexistent/model.gguf", &params, &m), MOSAIC_ERR_IO);
  EXPECT_EQ(m, nullptr);
  EXPECT_NE(std::string(mosaic_last_error()).find("/nonexistent/model.gguf"), std::string::npos);
}

}  // namespace
}  // namespace mosaic::testing
