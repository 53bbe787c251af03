#include "qmp/line_framer.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace cairn::qmp {
namespace {

std::vector<std::string> Drain(LineFramer& framer) {
  std::vector<std::string> lines;
  while (std::optional<std::string> line = framer.Next()) lines.push_back(*line);
  return lines;
}

TEST(LineFramer, IncompleteLineIsHeldBack) {
  LineFramer framer;

  framer.Append(R"({"return": {})");

  EXPECT_EQ(framer.Next(), std::nullopt);
  EXPECT_EQ(framer.buffered(), 13u);
}

TEST(LineFramer, CrLfEndsAMessageAndIsNotPartOfIt) {
  LineFramer framer;

  framer.Append("{\"return\": {}}\r\n");

  EXPECT_EQ(Drain(framer), std::vector<std::string>{R"({"return": {}})"});
  EXPECT_EQ(framer.buffered(), 0u);
}

TEST(LineFramer, MessageSplitAtEveryByteIsReassembled) {
  const std::string message = "{\"event\": \"STOP\"}\r\n";
  for (std::size_t cut = 1; cut < message.size(); ++cut) {
    LineFramer framer;

    framer.Append(message.substr(0, cut));
    std::optional<std::string> early = framer.Next();
    framer.Append(message.substr(cut));

    EXPECT_EQ(early, std::nullopt) << "cut at " << cut;
    EXPECT_EQ(Drain(framer), std::vector<std::string>{R"({"event": "STOP"})"}) << "cut at " << cut;
  }
}

TEST(LineFramer, SeveralMessagesInOneReadComeOutInOrder) {
  LineFramer framer;

  framer.Append("{\"event\": \"A\"}\r\n{\"event\": \"B\"}\r\n{\"ret");

  EXPECT_EQ(Drain(framer), (std::vector<std::string>{R"({"event": "A"})", R"({"event": "B"})"}));
  EXPECT_EQ(framer.buffered(), 5u);
}

TEST(LineFramer, BareLfAlsoEndsAMessage) {
  LineFramer framer;

  framer.Append("{\"a\": 1}\n{\"b\": 2}\n");

  EXPECT_EQ(Drain(framer), (std::vector<std::string>{R"({"a": 1})", R"({"b": 2})"}));
}

TEST(LineFramer, BlankLinesAreSkipped) {
  LineFramer framer;

  framer.Append("\r\n\r\n{\"a\": 1}\r\n  \r\n");

  EXPECT_EQ(Drain(framer), std::vector<std::string>{R"({"a": 1})"});
}

TEST(LineFramer, ManySmallMessagesKeepTheirOrderAcrossCompaction) {
  LineFramer framer;
  std::vector<std::string> got;

  for (int i = 0; i < 1000; ++i) {
    framer.Append("{\"n\": " + std::to_string(i) + "}\r\n{\"n\"");
    framer.Append(": " + std::to_string(i) + "}\r\n");
    for (std::string& line : Drain(framer)) got.push_back(std::move(line));
  }

  ASSERT_EQ(got.size(), 2000u);
  EXPECT_EQ(got[0], R"({"n": 0})");
  EXPECT_EQ(got[1999], R"({"n": 999})");
  EXPECT_EQ(framer.buffered(), 0u);
}

TEST(LineFramer, FloodWithoutNewlineOverflowsAndKeepsNothing) {
  LineFramer framer(16);

  for (int i = 0; i < 100; ++i) framer.Append("0123456789");

  EXPECT_TRUE(framer.overflowed());
  EXPECT_EQ(framer.buffered(), 0u);
  EXPECT_EQ(framer.Next(), std::nullopt);
}

TEST(LineFramer, LineOfExactlyTheLimitIsAccepted) {
  LineFramer framer(16);

  framer.Append(std::string(16, 'x'));
  framer.Append("\r\n");

  EXPECT_FALSE(framer.overflowed());
  EXPECT_EQ(framer.Next(), std::string(16, 'x'));
}

TEST(LineFramer, CompleteLinesWaitingDoNotCountAgainstTheLimit) {
  LineFramer framer(16);

  framer.Append(std::string(10, 'a') + "\n" + std::string(10, 'b') + "\n" + "ccc");
  framer.Append("ddd");

  EXPECT_FALSE(framer.overflowed());
  EXPECT_EQ(Drain(framer), (std::vector<std::string>{std::string(10, 'a'), std::string(10, 'b')}));
}

}  // namespace
}  // namespace cairn::qmp
