// Bad model files give one clear error and never crash.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/gguf/gguf_reader.h"
#include "engine/gguf/gguf_writer.h"
#include "tests/engine/test_support.h"

namespace mosaic::testing {
namespace {

using kernels::DType;

mosaic_status try_load(const std::string& path, std::string* message) {
  mosaic_model* m = nullptr;
  const mosaic_status st = mosaic_model_load(path.c_str(), nullptr, &m);
  *message = mosaic_last_error();
  mosaic_model_free(m);
  if (st != MOSAIC_OK) {
    EXPECT_EQ(m, nullptr);
  }
  return st;
}

class LoadErrorsTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(LoadErrorsTest, MissingFile) {
  std::string msg;
  EXPECT_EQ(try_load(dir_.file("nope.gguf"), &msg), MOSAIC_ERR_IO);
  EXPECT_NE(msg.find("nope.gguf"), std::string::npos) << msg;
}

TEST_F(LoadErrorsTest, UnknownArchitectureIsNamed) {
  gguf::GgufWriter w;
  w.set_string("general.architecture", "llama42");
  const std::string path = dir_.file("unknown.gguf");
  w.write(path);
  std::string msg;
  EXPECT_EQ(try_load(path, &msg), MOSAIC_ERR_UNSUPPORTED);
  EXPECT_NE(msg.find("llama42"), std::string::npos) << msg;
  EXPECT_NE(msg.find("qwen3moe"), std::string::npos) << msg;
}

TEST_F(LoadErrorsTest, TruncatedModelFilesFailCleanly) {
  const std::string path = dir_.file("model.gguf");
  synthetic::write_model(tiny_spec(DType::Q8_0), path);
  const auto size = std::filesystem::file_size(path);
  for (double fraction : {0.0, 0.001, 0.01, 0.1, 0.5, 0.9, 0.999}) {
    const std::string cut = dir_.file("cut.gguf");
    std::filesystem::copy_file(path, cut, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::resize_file(cut, static_cast<uintmax_t>(size * fraction));
    std::string msg;
    const mosaic_status st = try_load(cut, &msg);
    EXPECT_NE(st, MOSAIC_OK) << "fraction " << fraction;
    EXPECT_FALSE(msg.empty());
  }
}

// Rewrites a valid tiny model with one tensor changed by `edit`.
std::string rewrite(const TempDir& dir, const std::string& name,
                    const std::function<bool(const gguf::TensorInfo&, gguf::GgufWriter&)>& edit) {
  const std::string src = dir.file("src.gguf");
  synthetic::write_model(tiny_spec(DType::F16), src);
  const gguf::GgufFile f = gguf::GgufFile::open(src);
  gguf::GgufWriter w;
  for (const std::string& key : f.metadata().keys()) {
    w.set_value(key, *f.metadata().find(key));
  }
  for (const gguf::TensorInfo& t : f.tensors()) {
    if (edit(t, w)) continue;
    w.add_tensor(t.name, t.type, std::vector<int64_t>(t.ne.begin(), t.ne.begin() + t.n_dims),
                 std::vector<uint8_t>(t.data, t.data + t.n_bytes));
  }
  const std::string out = dir.file(name);
  w.write(out);
  return out;
}

TEST_F(LoadErrorsTest, MissingTensorIsNamed) {
  const std::string path = rewrite(dir_, "missing.gguf", [](const gguf::TensorInfo& t, auto&) {
    return t.name == "blk.1.attn_k.weight";
  });
  std::string msg;
  EXPECT_EQ(try_load(path, &msg), MOSAIC_ERR_FORMAT);
  EXPECT_NE(msg.find("blk.1.attn_k.weight"), std::string::npos) << msg;
}

TEST_F(LoadErrorsTest, WrongShapeIsNamed) {
  const std::string path =
      rewrite(dir_, "shape.gguf", [](const gguf::TensorInfo& t, gguf::GgufWriter& w) {
        if (t.name != "blk.0.ffn_down_exps.weight") return false;
        // Same bytes, experts and rows swapped: a shape a buggy converter could write.
        w.add_tensor(t.name, t.type, {t.ne[0], t.ne[2], t.ne[1]},
                     std::vector<uint8_t>(t.data, t.data + t.n_bytes));
        return true;
      });
  std::string msg;
  EXPECT_EQ(try_load(path, &msg), MOSAIC_ERR_FORMAT);
  EXPECT_NE(msg.find("blk.0.ffn_down_exps.weight"), std::string::npos) << msg;
}

TEST_F(LoadErrorsTest, SplitModelLoadsAndMatchesTheSingleFile) {
  const std::string single = dir_.file("model.gguf");
  synthetic::write_model(tiny_spec(DType::Q8_0), single);
  const gguf::GgufFile f = gguf::GgufFile::open(single);
  gguf::GgufWriter w;
  for (const std::string& key : f.metadata().keys()) w.set_value(key, *f.metadata().find(key));
  for (const gguf::TensorInfo& t : f.tensors()) {
    w.add_tensor(t.name, t.type, std::vector<int64_t>(t.ne.begin(), t.ne.begin() + t.n_dims),
                 std::vector<uint8_t>(t.data, t.data + t.n_bytes));
  }
  const std::vector<std::string> parts = w.write_split(dir_.file("split"), 10);
  ASSERT_GT(parts.size(), 2u);
  ModelPtr a = load_model(single);
  ModelPtr b = load_model(parts[0]);
  ASSERT_TRUE(a && b);
  const std::vector<int32_t> prompt = {5, 17, 99, 3};
  const auto la = all_logits(a.get(), prompt, 512, MOSAIC_KV_F16);
  const auto lb = all_logits(b.get(), prompt, 512, MOSAIC_KV_F16);
  ASSERT_EQ(la.size(), lb.size());
  for (size_t i = 0; i < la.size(); ++i) EXPECT_EQ(la[i], lb[i]);
  // A missing part is named.
  std::filesystem::remove(parts[1]);
  std::string msg;
  EXPECT_EQ(try_load(parts[0], &msg), MOSAIC_ERR_IO);
  EXPECT_NE(msg.find(std::filesystem::path(parts[1]).filename().string()), std::string::npos)
      << msg;
}

TEST_F(LoadErrorsTest, LoadCanBeCancelled) {
  const std::string path = dir_.file("model.gguf");
  synthetic::write_model(tiny_spec(DType::Q8_0), path);
  mosaic_model_params p = mosaic_model_default_params();
  int calls = 0;
  p.progress = [](float, void* user) -> int { return ++*static_cast<int*>(user) >= 2; };
  p.progress_user = &calls;
  mosaic_model* m = nullptr;
  EXPECT_EQ(mosaic_model_load(path.c_str(), &p, &m), MOSAIC_ERR_CANCELLED);
  EXPECT_EQ(m, nullptr);
}

}  // namespace
}  // namespace mosaic::testing
