#include "app/bench/report.h"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/core/human_units.h"

namespace mosaic::bench {
namespace {

std::string model_label(const ModelResult& model) {
  if (model.info.name[0]) return model.info.name;
  return std::filesystem::path(model.path).filename().string();
}

}  // namespace

double weight_gb_per_s(const ModelResult& model, const TestResult& test) {
  return static_cast<double>(model.info.active_bytes_per_token) * test.mean() / 1e9;
}

// The ceiling a model is compared with: the bandwidth measured next to its
// own tests when there is one, else the one measured at the start.
double ceiling_gb_per_s(const ModelResult& model, const BandwidthMeasurement& bandwidth) {
  return model.bandwidth_gb_per_s > 0.0 ? model.bandwidth_gb_per_s : bandwidth.gb_per_s;
}

double percent_of_ceiling(const ModelResult& model, const TestResult& test,
                          const BandwidthMeasurement& bandwidth) {
  const double ceiling = ceiling_gb_per_s(model, bandwidth);
  if (ceiling <= 0.0) return 0.0;
  return 100.0 * weight_gb_per_s(model, test) / ceiling;
}

std::string markdown_report(const std::vector<ModelResult>& models,
                            const BandwidthMeasurement& bandwidth, int threads) {
  std::string out = fmt::format(
      "memory bandwidth: {:.1f} GB/s (streaming read of {}, {} threads, {}, best of {})\n\n",
      bandwidth.gb_per_s, app::format_bytes(bandwidth.buffer_bytes), bandwidth.threads,
      bandwidth.instruction_set, bandwidth.runs);
  out += "| model | type | params | threads | test | t/s | GB/s | % of bandwidth ceiling |\n";
  out += "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  for (const auto& model : models) {
    const std::string params =
        fmt::format("{} ({} active)", app::format_count(model.info.n_params_total),
                    app::format_count(model.info.n_params_active));
    for (const auto& test : model.tests) {
      // Bandwidth figures only mean something for decode, which streams the
      // weights once per token; prompt processing is compute-bound.
      const bool decode = test.kind == TestKind::Generation;
      out += fmt::format(
          "| {} | {} | {} | {} | {} | {:.2f} ± {:.2f} | {} | {} |\n", model_label(model),
          model.info.quantization, params, threads, test.name(), test.mean(), test.stddev(),
          decode ? fmt::format("{:.1f}", weight_gb_per_s(model, test)) : "",
          decode ? fmt::format("{:.1f}%", percent_of_ceiling(model, test, bandwidth)) : "");
    }
  }
  for (const auto& model : models) {
    if (model.info.active_bytes_per_token == 0) continue;
    const double ceiling = ceiling_gb_per_s(model, bandwidth);
    out += fmt::format(
        "\n{}: {} of weights read per generated token; bandwidth measured after its tests "
        "{:.1f} GB/s: ceiling {:.1f} t/s",
        model_label(model), app::format_bytes(model.info.active_bytes_per_token), ceiling,
        ceiling * 1e9 / static_cast<double>(model.info.active_bytes_per_token));
  }
  out += "\n";
  return out;
}

std::string json_report(const std::vector<ModelResult>& models,
                        const BandwidthMeasurement& bandwidth, int threads) {
  nlohmann::ordered_json root;
  root["memory_bandwidth"] = {{"gb_per_s", bandwidth.gb_per_s},
                              {"instruction_set", bandwidth.instruction_set},
                              {"buffer_bytes", bandwidth.buffer_bytes},
                              {"threads", bandwidth.threads},
                              {"runs", bandwidth.runs}};
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  for (const auto& model : models) {
    for (const auto& test : model.tests) {
      nlohmann::ordered_json row;
      row["model"] = model_label(model);
      row["path"] = model.path;
      row["type"] = model.info.quantization;
      row["params_total"] = model.info.n_params_total;
      row["params_active"] = model.info.n_params_active;
      row["active_bytes_per_token"] = model.info.active_bytes_per_token;
      row["threads"] = threads;
      row["test"] = test.name();
      row["n_tokens"] = test.n_tokens;
      row["tokens_per_s_mean"] = test.mean();
      row["tokens_per_s_stddev"] = test.stddev();
      row["tokens_per_s_samples"] = test.tokens_per_s;
      if (test.kind == TestKind::Generation) {
        row["weight_gb_per_s"] = weight_gb_per_s(model, test);
        row["bandwidth_gb_per_s"] = ceiling_gb_per_s(model, bandwidth);
        row["percent_of_bandwidth_ceiling"] = percent_of_ceiling(model, test, bandwidth);
      }
      results.push_back(row);
    }
  }
  root["results"] = results;
  return root.dump(2) + "\n";
}

}  // namespace mosaic::bench
