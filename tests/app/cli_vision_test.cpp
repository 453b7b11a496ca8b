// mosaic-cli with pictures: a tiny qwen3vlmoe model and its mmproj written
// by make-test-model, pictures and a video made by ffmpeg, a PDF by the test
// PDF writer; the model is random, so the checks are on plumbing, tokens
// and errors, not words.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/app/child_process.h"
#include "tests/media/pdf_writer.h"

namespace mosaic {
namespace {

namespace fs = std::filesystem;
using testing::ProcessResult;

bool ffmpeg(const std::string& args) {
  return std::system(("ffmpeg -y -loglevel error " + args + " >/dev/null 2>&1").c_str()) == 0;
}

class CliVisionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("mosaic-cli-vision-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    const ProcessResult made =
        cli({"make-test-model", path("vl.gguf"), "--arch", "qwen3vlmoe", "--mmproj",
             path("mm.gguf"), "--layers", "3", "--ctx", "1024", "--seed", "3"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const ProcessResult other = cli({"make-test-model", path("other.gguf"), "--arch", "qwen3vlmoe",
                                     "--mmproj", path("other-mm.gguf"), "--embd", "128"});
    ASSERT_EQ(other.exit_code, 0) << other.err;
    const ProcessResult plain = cli({"make-test-model", path("plain.gguf")});
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    have_ffmpeg_ = ffmpeg("-f lavfi -i testsrc=size=320x240 -frames:v 1 " + path("a.png")) &&
                   ffmpeg("-f lavfi -i color=c=blue:size=320x240 -frames:v 1 " + path("b.png")) &&
                   ffmpeg("-f lavfi -i testsrc=size=160x120:rate=5 -t 5 " + path("clip.mp4")) &&
                   // Navy for 3 s, then a test pattern: a scene change at 3.0 s.
                   ffmpeg(
                       "-f lavfi -i color=c=navy:size=160x120:rate=10:d=3 -f lavfi -i "
                       "testsrc2=size=160x120:rate=10:d=3 -filter_complex "
                       "\"[0:v][1:v]concat=n=2:v=1\" " +
                       path("cut.mp4"));
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static ProcessResult cli(const std::vector<std::string>& args) {
    return testing::run_process(MOSAIC_CLI_PATH, args,
                                {{"XDG_STATE_HOME", (dir_ / "state").string()}}, dir_.string());
  }
  void SetUp() override {
    if (!have_ffmpeg_) GTEST_SKIP() << "ffmpeg is needed to make the test pictures (CI has it)";
  }
  // The first generated step's top tokens: differs when the input differs.
  static std::string first_step(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {
        "generate", path("vl.gguf"),  "--mmproj", path("mm.gguf"), "-p", "what is it?", "-n",
        "1",        "--top-logprobs", "5",        "--temp",        "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    const ProcessResult r = cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  static inline fs::path dir_;
  static inline bool have_ffmpeg_ = false;
};

TEST_F(CliVisionTest, InfoSaysTheModelTakesPictures) {
  const ProcessResult r = cli({"info", path("vl.gguf")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("qwen3vlmoe"), std::string::npos) << r.out;
}

TEST_F(CliVisionTest, ImageIsEncodedAndFedThenTextStreams) {
  const ProcessResult r = cli({"generate", path("vl.gguf"), "--mmproj", path("mm.gguf"), "--image",
                               path("a.png"), "-p", "Describe it.", "-n", "6", "--seed", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("picture 1: 320x240 px -> "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("time to first token"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("generation:       6 tokens"), std::string::npos) << r.err;
}

TEST_F(CliVisionTest, TheAnswerDependsOnThePicture) {
  const std::string a = first_step({"--image", path("a.png")});
  const std::string a_again = first_step({"--image", path("a.png")});
  const std::string b = first_step({"--image", path("b.png")});
  const std::string none = first_step({});
  EXPECT_EQ(a, a_again);
  EXPECT_NE(a, b);
  EXPECT_NE(a, none);
}

TEST_F(CliVisionTest, VideoFramesAndPdfPagesArePictures) {
  const ProcessResult video =
      cli({"generate", path("vl.gguf"), "--mmproj", path("mm.gguf"), "--video", path("clip.mp4"),
           "--video-frames", "3", "-p", "What happens?", "-n", "2"});
  ASSERT_EQ(video.exit_code, 0) << video.err;
  // Frames 0.5 s apart encoded as pairs, labelled with their mean time.
  EXPECT_NE(video.err.find("picture 1 <0.3 seconds>: 160x120 px (2 frames)"), std::string::npos)
      << video.err;
  EXPECT_NE(video.err.find("picture 3 <"), std::string::npos) << video.err;
  EXPECT_EQ(video.err.find("picture 4"), std::string::npos) << video.err;

  media::test::PdfWriter pdf;
  pdf.add_text_page({"Quarterly report"});
  pdf.add_text_page({"Totals"});
  pdf.write(dir_ / "doc.pdf");
  const ProcessResult pages = cli({"generate", path("vl.gguf"), "--mmproj", path("mm.gguf"),
                                   "--pdf-pages", path("doc.pdf"), "-p", "Summarize", "-n", "2"});
  ASSERT_EQ(pages.exit_code, 0) << pages.err;
  EXPECT_NE(pages.err.find("picture 2 Page 2:"), std::string::npos) << pages.err;
}

TEST_F(CliVisionTest, ClearErrors) {
  ProcessResult r = cli({"generate", path("vl.gguf"), "--image", path("a.png"), "-p", "x"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("need --mmproj"), std::string::npos) << r.err;

  r = cli({"generate", path("plain.gguf"), "--mmproj", path("mm.gguf"), "--image", path("a.png"),
           "-p", "x"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("does not take pictures"), std::string::npos) << r.err;

  r = cli({"generate", path("vl.gguf"), "--mmproj", path("other-mm.gguf"), "--image", path("a.png"),
           "-p", "x"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("does not belong to this model"), std::string::npos) << r.err;

  fs::copy_file(path("a.png"), path("broken.png"), fs::copy_options::overwrite_existing);
  fs::resize_file(path("broken.png"), 100);
  r = cli({"generate", path("vl.gguf"), "--mmproj", path("mm.gguf"), "--image", path("broken.png"),
           "-p", "x"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("broken.png"), std::string::npos) << r.err;

  r = cli({"generate", path("vl.gguf"), "--mmproj", path("mm.gguf"), "--image", path("a.png"),
           "--ctx", "32", "-p", "x"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("larger --ctx"), std::string::npos) << r.err;
}

// Watch mode end to end with the real engine: a scene change at 3 s is
// sampled at its timestamp (the 2 s interval then counts from it: 0, 2, 3,
// 5), each sample is either asked about or dropped because the model was
// busy (never queued), and the run ends with Stopped when the video ends.
TEST_F(CliVisionTest, WatchSamplesTheSceneChangeAndAsksTheModel) {
  const ProcessResult r =
      cli({"watch", path("vl.gguf"), "--mmproj", path("mm.gguf"), "--video", path("cut.mp4"),
           "--fast", "--json", "--interval-s", "2", "-i", "tell me when the picture changes"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<int64_t> sampled_ms;
  int answered = 0;
  std::string last_event;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    last_event = j.at("event").get<std::string>();
    if (last_event == "sampled") sampled_ms.push_back(j.at("pts_ms").get<int64_t>());
    if (last_event == "answered" || last_event == "alert") ++answered;
  }
  EXPECT_EQ(last_event, "stopped");
  EXPECT_EQ(sampled_ms, (std::vector<int64_t>{0, 2000, 3000, 5000})) << r.out;
  EXPECT_GE(answered, 1) << r.out;
  int frames = 0, sampled = 0, dropped = 0, questions = 0;
  ASSERT_EQ(std::sscanf(r.err.c_str(),
                        "watched %d frames: %d sampled, %d dropped while the model was busy, %d "
                        "questions",
                        &frames, &sampled, &dropped, &questions),
            4)
      << r.err;
  EXPECT_EQ(frames, 60);
  EXPECT_EQ(sampled, 4);
  EXPECT_EQ(dropped + questions, sampled);
  EXPECT_EQ(questions, answered);
}

// chat pairs the model with the vision file beside it (skipping one of
// another model), the attached picture is encoded once and stays in the
// cache for the follow-up; an explicit file of another model is refused.
TEST_F(CliVisionTest, ChatSeesAttachedPicturesAndReusesThem) {
  const fs::path folder = dir_ / "paired";
  fs::create_directories(folder);
  fs::copy_file(dir_ / "vl.gguf", folder / "vl.gguf", fs::copy_options::overwrite_existing);
  fs::copy_file(dir_ / "other-mm.gguf", folder / "mmproj-a-other.gguf",
                fs::copy_options::overwrite_existing);
  fs::copy_file(dir_ / "mm.gguf", folder / "mmproj-vl-f16.gguf",
                fs::copy_options::overwrite_existing);
  const std::string input =
      "/attach " + path("a.png") + "\nWhat is in the picture?\nAnd the colours?\n";
  const ProcessResult r = testing::run_process(
      MOSAIC_CLI_PATH, {"chat", (folder / "vl.gguf").string(), "-n", "4", "--temp", "0"},
      {{"XDG_STATE_HOME", (dir_ / "chat-state").string()}}, dir_.string(), input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("mmproj-vl-f16.gguf (found beside the model)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("attached a.png"), std::string::npos) << r.err;
  const size_t first = r.err.find("1 picture(s), 1 encoded");
  ASSERT_NE(first, std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 picture(s), 0 encoded", first), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("error"), std::string::npos) << r.err;

  const ProcessResult wrong = testing::run_process(
      MOSAIC_CLI_PATH,
      {"chat", (folder / "vl.gguf").string(), "--mmproj", path("other-mm.gguf"), "-n", "4"},
      {{"XDG_STATE_HOME", (dir_ / "chat-state").string()}}, dir_.string(), "hi\n");
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("does not belong to this model"), std::string::npos) << wrong.err;

  // A text model is told the picture's name, and still answers.
  const ProcessResult text_only =
      testing::run_process(MOSAIC_CLI_PATH, {"chat", path("plain.gguf"), "-n", "4", "--temp", "0"},
                           {{"XDG_STATE_HOME", (dir_ / "chat-state").string()}}, dir_.string(),
                           "/attach " + path("a.png") + "\nWhat is in the picture?\n");
  ASSERT_EQ(text_only.exit_code, 0) << text_only.err;
  EXPECT_NE(text_only.err.find(" tok/s"), std::string::npos) << text_only.err;
  EXPECT_EQ(text_only.err.find("picture(s)"), std::string::npos) << text_only.err;
}

TEST_F(CliVisionTest, WatchWithoutACameraSaysSo) {
  const ProcessResult r = cli(
      {"watch", path("vl.gguf"), "--mmproj", path("mm.gguf"), "--camera", "97", "-i", "anything"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("/dev/video97"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace mosaic
