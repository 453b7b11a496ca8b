// Bad deepseek2 files give one clear error naming the tensor or key at fault.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>

#include "engine/gguf/gguf_reader.h"
#include "engine/gguf/gguf_writer.h"
#include "tests/engine/test_support.h"

namespace mosaic::testing {
namespace {

using kernels::DType;

struct LoadOutcome {
  mosaic_status status;
  std::string message;
};

LoadOutcome try_load(const std::string& path) {
  mosaic_model* m = nullptr;
  const mosaic_status st = mosaic_model_load(path.c_str(), nullptr, &m);
  LoadOutcome out{st, mosaic_last_error()};
  mosaic_model_free(m);
  return out;
}

using TensorEdit = std::function<bool(const gguf::TensorInfo&, gguf::GgufWriter&)>;

// Rewrites a valid tiny deepseek2 model: keys in `key_overrides` replaced
// or added (or dropped when the value is nullopt), tensors passed through `edit`
// (which returns true when it wrote or dropped the tensor itself).
std::string rewrite(const TempDir& dir, const synthetic::ModelSpec& spec,
                    const std::map<std::string, std::optional<gguf::Value>>& key_overrides,
                    const TensorEdit& edit) {
  const std::string src = dir.file("src.gguf");
  synthetic::write_model(spec, src);
  const gguf::GgufFile f = gguf::GgufFile::open(src);
  gguf::GgufWriter w;
  for (const std::string& key : f.metadata().keys()) {
    const auto it = key_overrides.find(key);
    if (it == key_overrides.end()) {
      w.set_value(key, *f.metadata().find(key));
    } else if (it->second) {
      w.set_value(key, *it->second);
    }
  }
  for (const auto& [key, value] : key_overrides) {  // keys the file lacks
    if (value && !f.metadata().find(key)) w.set_value(key, *value);
  }
  for (const gguf::TensorInfo& t : f.tensors()) {
    if (edit && edit(t, w)) continue;
    w.add_tensor(t.name, t.type, std::vector<int64_t>(t.ne.begin(), t.ne.begin() + t.n_dims),
                 std::vector<uint8_t>(t.data, t.data + t.n_bytes));
  }
  const std::string out = dir.file("edited.gguf");
  w.write(out);
  return out;
}

TensorEdit drop(const std::string& name) {
  return [name](const gguf::TensorInfo& t, gguf::GgufWriter&) { return t.name == name; };
}

class Deepseek2LoadTest : public ::testing::Test {
 protected:
  TempDir dir_;
  synthetic::ModelSpec spec_ = tiny_deepseek2_spec(DType::F16);
};

TEST_F(Deepseek2LoadTest, ValidFileLoads) {
  const LoadOutcome r = try_load(rewrite(dir_, spec_, {}, {}));
  EXPECT_EQ(r.status, MOSAIC_OK) << r.message;
}

TEST_F(Deepseek2LoadTest, MissingTensorIsNamed) {
  for (const std::string name :
       {"blk.0.attn_q_b.weight", "blk.1.attn_k_b.weight", "blk.2.attn_v_b.weight",
        "blk.0.ffn_down.weight", "blk.1.ffn_up_shexp.weight", "blk.2.attn_kv_a_norm.weight"}) {
    const LoadOutcome r = try_load(rewrite(dir_, spec_, {}, drop(name)));
    EXPECT_EQ(r.status, MOSAIC_ERR_FORMAT) << name;
    EXPECT_NE(r.message.find(name), std::string::npos) << r.message;
  }
}

TEST_F(Deepseek2LoadTest, MissingLegacyKvBIsNamed) {
  spec_.latent_up = synthetic::LatentUpProjection::LegacyKvB;
  // Without attn_kv_b, the loader looks for the split form and names it.
  const LoadOutcome r = try_load(rewrite(dir_, spec_, {}, drop("blk.1.attn_kv_b.weight")));
  EXPECT_EQ(r.status, MOSAIC_ERR_FORMAT);
  EXPECT_NE(r.message.find("blk.1.attn_k_b.weight"), std::string::npos) << r.message;
}

TEST_F(Deepseek2LoadTest, WrongShapeIsNamed) {
  const std::string path =
      rewrite(dir_, spec_, {}, [](const gguf::TensorInfo& t, gguf::GgufWriter& w) {
        if (t.name != "blk.1.attn_v_b.weight") return false;
        // Same bytes, value width and heads swapped.
        w.add_tensor(t.name, t.type, {t.ne[0], t.ne[2], t.ne[1]},
                     std::vector<uint8_t>(t.data, t.data + t.n_bytes));
        return true;
      });
  const LoadOutcome r = try_load(path);
  EXPECT_EQ(r.status, MOSAIC_ERR_FORMAT);
  EXPECT_NE(r.message.find("blk.1.attn_v_b.weight"), std::string::npos) << r.message;
}

TEST_F(Deepseek2LoadTest, KvLoraMismatchNamesTensorAndKey) {
  const std::string path =
      rewrite(dir_, spec_,
              {{"deepseek2.attention.kv_lora_rank", gguf::Value::u32(spec_.kv_lora_rank / 2)},
               {"deepseek2.attention.key_length",
                gguf::Value::u32(spec_.kv_lora_rank / 2 + spec_.qk_rope_dim)}},
              {});
  const LoadOutcome r = try_load(path);
  EXPECT_EQ(r.status, MOSAIC_ERR_FORMAT);
  EXPECT_NE(r.message.find("attn_kv_a_mqa"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("kv_lora_rank"), std::string::npos) << r.message;
}

TEST_F(Deepseek2LoadTest, LatentKeyLengthMustMatchKvLora) {
  const std::string path =
      rewrite(dir_, spec_, {{"deepseek2.attention.key_length", gguf::Value::u32(192)}}, {});
  const LoadOutcome r = try_load(path);
  EXPECT_EQ(r.status, MOSAIC_ERR_FORMAT);
  EXPECT_NE(r.message.find("deepseek2.attention.key_length"), std::string::npos) << r.message;
}

TEST_F(Deepseek2LoadTest, MissingKeyIsNamed) {
  const LoadOutcome r =
      try_load(rewrite(dir_, spec_, {{"deepseek2.attention.kv_lora_rank", std::nullopt}}, {}));
  EXPECT_EQ(r.status, MOSAIC_ERR_FORMAT);
  EXPECT_NE(r.message.find("deepseek2.attention.kv_lora_rank"), std::string::npos) << r.message;
}

TEST_F(Deepseek2LoadTest, UnknownGatingFunctionIsRefused) {
  const LoadOutcome r =
      try_load(rewrite(dir_, spec_, {{"deepseek2.expert_gating_func", gguf::Value::u32(7)}}, {}));
  EXPECT_EQ(r.status, MOSAIC_ERR_UNSUPPORTED);
  EXPECT_NE(r.message.find("expert_gating_func"), std::string::npos) << r.message;
}

TEST_F(Deepseek2LoadTest, AttentionTemperatureIsRefused) {
  const LoadOutcome r = try_load(rewrite(
      dir_, spec_, {{"deepseek2.attention.temperature_scale", gguf::Value::f32(0.1f)}}, {}));
  EXPECT_EQ(r.status, MOSAIC_ERR_UNSUPPORTED);
  EXPECT_NE(r.message.find("temperature_scale"), std::string::npos) << r.message;
}

TEST_F(Deepseek2LoadTest, GroupsThatDoNotDivideExpertsAreRefused) {
  const LoadOutcome r =
      try_load(rewrite(dir_, spec_, {{"deepseek2.expert_group_count", gguf::Value::u32(3)}}, {}));
  EXPECT_EQ(r.status, MOSAIC_ERR_FORMAT);
  EXPECT_NE(r.message.find("expert_group_count"), std::string::npos) << r.message;
}

// A trailing multi-token-prediction block (counted in block_count, flagged
// by nextn_predict_layers) is not run: the logits are those of the model
// without it. Tensors are seeded by name, so the 3-layer model has exactly
// the first 3 layers of the 4-layer one.
TEST_F(Deepseek2LoadTest, NextnBlocksAreNotRun) {
  synthetic::ModelSpec four = spec_;
  four.n_layer = 4;
  const std::string with_mtp =
      rewrite(dir_, four, {{"deepseek2.nextn_predict_layers", gguf::Value::u32(1)}}, {});
  const std::string three = dir_.file("three.gguf");
  synthetic::write_model(spec_, three);
  ModelPtr a = load_model(with_mtp);
  ModelPtr b = load_model(three);
  ASSERT_TRUE(a && b);
  const std::vector<int32_t> prompt = {5, 17, 99, 3};
  const auto la = all_logits(a.get(), prompt, 512, MOSAIC_KV_F32);
  const auto lb = all_logits(b.get(), prompt, 512, MOSAIC_KV_F32);
  ASSERT_EQ(la.size(), lb.size());
  for (size_t i = 0; i < la.size(); ++i) EXPECT_EQ(la[i], lb[i]) << i;
  mosaic_model_info info{};
  ASSERT_EQ(mosaic_model_get_info(a.get(), &info), MOSAIC_OK);
  EXPECT_EQ(info.n_layer, 3);
}

}  // namespace
}  // namespace mosaic::testing
