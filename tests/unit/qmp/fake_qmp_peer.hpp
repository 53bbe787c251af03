// fake_qmp_peer.hpp — FakeQmpPeer, a scripted QEMU monitor for testing QMP code.
//
// It takes one client on a unix socket of its own and plays a QmpScript on its own thread:
// sends exactly the bytes scripted, in as many writes, and checks each command received
// against the exact JSON expected (the "id" aside; replies echo it, as QEMU does). Finish()
// returns every difference and any message after the script; the destructor stops the thread
// promptly and fails the test for problems Finish() did not return.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "util/temp_dir.hpp"
#include "util/unique_fd.hpp"

namespace cairn::qmp::test {

// QEMU 7.2's greeting, as Debian 12's qemu-system-x86_64 sends it.
inline constexpr const char* kQemu72Greeting =
    R"({"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, )"
    R"("package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}})";

class QmpScript {
 public:
  // Sends QEMU 7.2's greeting.
  QmpScript& Greet();
  // The greeting, then expects qmp_capabilities and answers it: what every connection starts
  // with.
  QmpScript& Handshake();
  // Sends `bytes` in one write, as they are; "$ID" becomes the id of the last command
  // received. Add "\r\n" where a message should end.
  QmpScript& Send(std::string bytes);
  // Waits for the next message and checks it equals `command` plus an "id" member.
  QmpScript& Expect(nlohmann::json command);
  // {"return": value, "id": <last id>}.
  QmpScript& Reply(nlohmann::json value = nlohmann::json::object());
  // {"error": {"class": error_class, "desc": desc}, "id": <last id>}.
  QmpScript& ReplyError(std::string error_class, std::string desc);
  // {"timestamp": {...}, "event": name, "data": data}; no "data" member when it is null.
  QmpScript& Event(std::string name, nlohmann::json data = nlohmann::json::object());
  QmpScript& Pause(std::chrono::milliseconds duration);
  // Closes the connection, as a QEMU that exits does.
  QmpScript& Close();

 private:
  friend class FakeQmpPeer;
  struct Step {
    enum class Kind { kSend, kExpect, kReply, kPause, kClose };
    Kind kind;
    std::string text{};     // kSend
    nlohmann::json json{};  // kExpect: the command; kReply: the reply, its id still to add
    std::chrono::milliseconds duration{0};
  };
  std::vector<Step> steps_;
};

class FakeQmpPeer {
 public:
  // Plays `script` to the first client of socket_path(). With `listen_delay` the socket only
  // appears after that long, as QEMU's does a moment after it starts.
  static std::unique_ptr<FakeQmpPeer> Start(
      QmpScript script, std::chrono::milliseconds listen_delay = std::chrono::milliseconds(0));
  ~FakeQmpPeer();
  FakeQmpPeer(const FakeQmpPeer&) = delete;
  FakeQmpPeer& operator=(const FakeQmpPeer&) = delete;

  const std::filesystem::path& socket_path() const { return socket_path_; }

  // Waits until the script has been played to its end and returns every problem seen so far,
  // one sentence each; empty when the client sent exactly what was expected.
  std::vector<std::string> Finish(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  FakeQmpPeer(QmpScript script, util::TempDir dir, util::UniqueFd stop_read,
              util::UniqueFd stop_write, std::chrono::milliseconds listen_delay);
  void Run(std::chrono::milliseconds listen_delay);
  void Play(int connection);
  void Drain(int connection);
  // Waits for `fd` to be readable; false when stopped or `timeout` passed.
  bool WaitReadable(int fd, std::chrono::milliseconds timeout);
  bool ReadLine(int connection, std::string& line, std::chrono::milliseconds timeout);
  void Problem(std::string text);

  QmpScript script_;
  util::TempDir dir_;
  std::filesystem::path socket_path_;
  util::UniqueFd stop_read_;  // readable once the destructor wants the thread gone
  util::UniqueFd stop_write_;
  std::string received_;    // bytes read from the client, not yet a whole line
  nlohmann::json last_id_;  // of the last command received; null before the first

  std::mutex mutex_;
  std::condition_variable played_cv_;
  bool played_ = false;
  std::vector<std::string> problems_;
  std::size_t reported_ = 0;  // problems_ already returned by Finish()
  std::thread thread_;
};

}  // namespace cairn::qmp::test
