// The watch prompt and the reader of its answers: only replies that start
// with EVENT raise an alert, whatever the case, spacing, Markdown or
// reasoning around them; replies in neither form are Unclear, never guessed.
#include "app/watch/watch_answer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/watch/watch_prompt.h"
#include "tests/watch/watch_test_support.h"

namespace mosaic::watch {
namespace {

struct Case {
  std::string answer;
  AnswerVerdict verdict;
  std::string summary;  // checked for Event only
};

// The answer itself names the test in ctest; control characters escaped.
void PrintTo(const Case& c, std::ostream* out) {
  *out << '"';
  for (char ch : c.answer) {
    if (ch == '\n') {
      *out << "\\n";
    } else if (ch == '\r') {
      *out << "\\r";
    } else if (ch == '\t') {
      *out << "\\t";
    } else {
      *out << ch;
    }
  }
  *out << '"';
}

class WatchAnswer : public ::testing::TestWithParam<Case> {};

TEST_P(WatchAnswer, Verdict) {
  const Case& c = GetParam();
  const ClassifiedAnswer classified = classify_watch_answer(c.answer);
  EXPECT_EQ(answer_verdict_name(classified.verdict), std::string(answer_verdict_name(c.verdict)));
  if (c.verdict == AnswerVerdict::Event) {
    EXPECT_EQ(classified.summary, c.summary);
  }
  if (c.verdict == AnswerVerdict::Nothing) {
    EXPECT_EQ(classified.summary, "");
  }
}

const std::string kEntered = "A person entered through the door.";

INSTANTIATE_TEST_SUITE_P(
    Events, WatchAnswer,
    ::testing::Values(
        Case{"EVENT: A person entered through the door.", AnswerVerdict::Event, kEntered},
        Case{"event: A person entered through the door.", AnswerVerdict::Event, kEntered},
        Case{"Event:A person entered through the door.", AnswerVerdict::Event, kEntered},
        Case{"  \n\n  EVENT :   A person entered through the door.  \n", AnswerVerdict::Event,
             kEntered},
        Case{"EVENT - A person entered through the door.", AnswerVerdict::Event, kEntered},
        Case{"EVENT \xE2\x80\x94 A person entered through the door.", AnswerVerdict::Event,
             kEntered},
        Case{"**EVENT:** A person entered through the door.", AnswerVerdict::Event, kEntered},
        Case{"**EVENT: A person entered through the door.**", AnswerVerdict::Event, kEntered},
        Case{"`EVENT`: A person entered through the door.", AnswerVerdict::Event, kEntered},
        Case{"> EVENT: A person entered through the door.", AnswerVerdict::Event, kEntered},
        Case{"[EVENT] A person entered through the door.", AnswerVerdict::Event, kEntered},
        Case{"Answer: EVENT: A person entered through the door.", AnswerVerdict::Event, kEntered},
        Case{"EVENT:\nA person entered through the door.", AnswerVerdict::Event, kEntered},
        Case{"EVENT:\r\nA person entered through the door.\r\n", AnswerVerdict::Event, kEntered},
        Case{"EVENT", AnswerVerdict::Event, ""},
        Case{"EVENTS: A person entered through the door.", AnswerVerdict::Event, kEntered},
        Case{"<think>The door was closed before; now someone is there.</think>\n"
             "EVENT: A person entered through the door.",
             AnswerVerdict::Event, kEntered},
        Case{"<THINK>\nNOTHING would be wrong here.\n</THINK>\n\nEVENT: A person "
             "entered through the door.",
             AnswerVerdict::Event, kEntered},
        Case{"The template opened the reasoning. NOTHING yet?</think>EVENT: A person "
             "entered through the door.",
             AnswerVerdict::Event, kEntered},
        Case{"EVENT: Nothing is left on the table; the cup was taken.", AnswerVerdict::Event,
             "Nothing is left on the table; the cup was taken."}));

INSTANTIATE_TEST_SUITE_P(
    Nothing, WatchAnswer,
    ::testing::Values(
        Case{"NOTHING", AnswerVerdict::Nothing, ""}, Case{"nothing", AnswerVerdict::Nothing, ""},
        Case{"Nothing.", AnswerVerdict::Nothing, ""},
        Case{"  NOTHING  \n", AnswerVerdict::Nothing, ""},
        Case{"**NOTHING**", AnswerVerdict::Nothing, ""},
        Case{"NOTHING\nThe room is empty and unchanged.", AnswerVerdict::Nothing, ""},
        Case{"Nothing happened.", AnswerVerdict::Nothing, ""},
        Case{"NONE", AnswerVerdict::Nothing, ""}, Case{"No event.", AnswerVerdict::Nothing, ""},
        Case{"NO_EVENT", AnswerVerdict::Nothing, ""},
        Case{"No changes", AnswerVerdict::Nothing, ""},
        Case{"Answer: NOTHING", AnswerVerdict::Nothing, ""},
        Case{"<think>Someone might enter. EVENT: no.</think>NOTHING", AnswerVerdict::Nothing, ""},
        Case{"<thinking>EVENT: a cat?</thinking>\nnothing", AnswerVerdict::Nothing, ""},
        Case{"EVENT: nothing happened", AnswerVerdict::Nothing, ""},
        Case{"EVENT: None.", AnswerVerdict::Nothing, ""}));

INSTANTIATE_TEST_SUITE_P(
    Unclear, WatchAnswer,
    ::testing::Values(Case{"", AnswerVerdict::Unclear, ""},
                      Case{"   \n\t\n", AnswerVerdict::Unclear, ""},
                      Case{"---", AnswerVerdict::Unclear, ""},
                      Case{"Sure! EVENT: A person entered.", AnswerVerdict::Unclear, ""},
                      Case{"A person entered through the door.", AnswerVerdict::Unclear, ""},
                      Case{"Eventually someone may come in.", AnswerVerdict::Unclear, ""},
                      Case{"Nothingness fills the room.", AnswerVerdict::Unclear, ""},
                      Case{"No, a person entered.", AnswerVerdict::Unclear, ""},
                      Case{"<think>EVENT: a person entered</think>", AnswerVerdict::Unclear, ""},
                      Case{"<think>EVENT: a person entered, so I will say", AnswerVerdict::Unclear,
                           ""},
                      Case{"I cannot see the pictures.", AnswerVerdict::Unclear, ""}));

TEST(WatchAnswerSummary, UnclearKeepsTheFirstLineForDisplay) {
  const ClassifiedAnswer classified =
      classify_watch_answer("  I cannot see the pictures.  \nSorry.");
  EXPECT_EQ(classified.verdict, AnswerVerdict::Unclear);
  EXPECT_EQ(classified.summary, "I cannot see the pictures.");
}

TEST(WatchAnswerReasoning, RemovesEveryKindOfReasoningSection) {
  EXPECT_EQ(strip_reasoning("<think>a</think>b<think>c</think>d"), "bd");
  EXPECT_EQ(strip_reasoning("reasoning only</think>answer"), "answer");
  EXPECT_EQ(strip_reasoning("answer<think>never closed"), "answer");
  EXPECT_EQ(strip_reasoning("<Thinking>x</Thinking>y"), "y");
  EXPECT_EQ(strip_reasoning("plain answer"), "plain answer");
}

TEST(WatchPrompt, WrapsTheInstructionAndAsksForTheCheckableForm) {
  const std::vector<media::RgbFrame> frames = {test::grey_frame(10, 1000),
                                               test::grey_frame(20, 2500)};
  const std::string text = watch_question_text("tell me when someone enters", frames);
  EXPECT_NE(text.find("tell me when someone enters"), std::string::npos) << text;
  EXPECT_NE(text.find("\nNOTHING\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nEVENT: <one sentence"), std::string::npos) << text;
  EXPECT_NE(text.find("2 pictures"), std::string::npos) << text;
  EXPECT_NE(text.find("oldest first"), std::string::npos) << text;
  EXPECT_NE(text.find("1.0 s and 2.5 s"), std::string::npos) << text;

  // The prompt's own example answers read back as what they stand for.
  EXPECT_EQ(classify_watch_answer("NOTHING").verdict, AnswerVerdict::Nothing);
  EXPECT_EQ(classify_watch_answer("EVENT: x").verdict, AnswerVerdict::Event);
}

TEST(WatchPrompt, CameraQuestionKeepsTheUsersWords) {
  const std::string text =
      camera_question_text("What is on the desk?", {test::grey_frame(10, 12345)});
  EXPECT_NE(text.find("1 picture from a live camera, taken at 12.3 s"), std::string::npos) << text;
  EXPECT_TRUE(text.starts_with("What is on the desk?\n")) << text;
}

}  // namespace
}  // namespace mosaic::watch
