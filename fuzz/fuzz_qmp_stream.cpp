// Fuzz target: the QMP stream as QEMU's side of the socket would send it. The input is the
// monitor's bytes. First LineFramer alone: fed whole or cut at points taken from the bytes,
// it must hand out the same lines. Then the real QmpClient on a unix socket whose peer sends
// the input: Connect (greeting, qmp_capabilities), then the typed commands the qemu driver
// uses, in a fixed order, each decoding whatever reply, error or event comes next.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qmp/line_framer.hpp"
#include "qmp/qmp_client.hpp"
#include "qmp/qmp_commands.hpp"
#include "socket_peer.hpp"
#include "util/temp_dir.hpp"

namespace {

using namespace cairn;
using std::chrono::milliseconds;

[[noreturn]] void FramerBroken(const char* what) {
  std::fprintf(stderr, "LineFramer: %s\n", what);
  std::abort();
}

std::vector<std::string> Drain(qmp::LineFramer& framer) {
  std::vector<std::string> lines;
  while (std::optional<std::string> line = framer.Next()) lines.push_back(std::move(*line));
  return lines;
}

// Whole versus cut into pieces (a cut after every byte whose value is a multiple of 5, so
// the fuzzer steers the cuts), with Next() drained after every piece.
void CheckFramer(std::string_view bytes) {
  qmp::LineFramer whole;
  whole.Append(bytes);
  std::vector<std::string> expected = Drain(whole);

  qmp::LineFramer cut;
  std::vector<std::string> got;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= bytes.size(); ++i) {
    if (i == bytes.size() || static_cast<unsigned char>(bytes[i]) % 5 == 0) {
      std::size_t end = std::min(i + 1, bytes.size());
      cut.Append(bytes.substr(start, end - start));
      for (std::string& line : Drain(cut)) got.push_back(std::move(line));
      start = end;
    }
  }
  if (got != expected) FramerBroken("pieces give other lines than the whole");
  if (cut.buffered() != whole.buffered()) FramerBroken("pieces leave another remainder");
  std::size_t last_newline = bytes.rfind('\n');
  std::size_t rest = last_newline == std::string_view::npos ? bytes.size()
                                                            : bytes.size() - last_newline - 1;
  if (whole.buffered() != rest) FramerBroken("remainder is not the bytes after the last line end");
}

// The decoders alone, on every line that is a reply: the same code QueryNamedBlockNodes and
// QueryJobs run on a "return" value.
void DecodeReplies(std::string_view bytes) {
  qmp::LineFramer framer;
  framer.Append(bytes);
  while (std::optional<std::string> line = framer.Next()) {
    nlohmann::json message = nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
    if (!message.is_object()) continue;
    auto ret = message.find("return");
    if (ret == message.end()) continue;
    (void)qmp::ParseNamedBlockNodes(*ret);
    (void)qmp::ParseJobs(*ret);
  }
}

void RunClient(fuzz::SocketPeer& peer, std::string_view bytes) {
  peer.Serve(std::string(bytes));
  {
    Result<qmp::QmpClient> client = qmp::QmpClient::Connect(peer.path(), milliseconds(5000));
    if (client) {
      qmp::QmpClient& c = *client;
      (void)qmp::QueryStatus(c);
      if (auto nodes = qmp::QueryNamedBlockNodes(c)) (void)qmp::FindNode(*nodes, "fmt-vda");
      (void)qmp::QueryJobs(c);
      qmp::TransactionAction actions[] = {
          qmp::BlockDirtyBitmapAdd{.node = "fmt-vda", .name = "c1"},
          qmp::BlockDirtyBitmapRemove{.node = "fmt-vda", .name = "c0"}};
      (void)qmp::Transaction(c, actions);
      (void)c.WaitForEvent("BLOCK_JOB_COMPLETED", milliseconds(0));
      (void)qmp::WaitForJobConcluded(c, "bk0", milliseconds(0));
      (void)qmp::JobDismiss(c, "bk0");
      (void)c.ReadEvents();
      (void)c.TakeEvents();
      (void)c.Execute("query-version");
      (void)qmp::Quit(c);
    }
  }  // the client closes here, which ends the peer's session
  peer.Finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static util::TempDir dir = *util::TempDir::Create("cairn-fuzz-qmp");
  static fuzz::SocketPeer peer(dir.path() / "qmp.sock");
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  CheckFramer(bytes);
  DecodeReplies(bytes);
  RunClient(peer, bytes);
  return 0;
}
