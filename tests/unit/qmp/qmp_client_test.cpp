#include "qmp/qmp_client.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fake_qmp_peer.hpp"
#include "util/temp_dir.hpp"

namespace cairn::qmp {
namespace {

using nlohmann::json;
using test::FakeQmpPeer;
using test::QmpScript;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace std::literals;

std::unique_ptr<FakeQmpPeer> StartPeer(QmpScript script) {
  std::unique_ptr<FakeQmpPeer> peer = FakeQmpPeer::Start(std::move(script));
  EXPECT_NE(peer, nullptr);
  return peer;
}

Result<QmpClient> ConnectTo(const FakeQmpPeer& peer) {
  return QmpClient::Connect(peer.socket_path(), 5s);
}

std::vector<std::string> Names(const std::vector<Event>& events) {
  std::vector<std::string> names;
  for (const Event& event : events) names.push_back(event.name);
  return names;
}

const char* const kRunningReply =
    R"({"return": {"status": "running", "singlestep": false, "running": true}, "id": $ID})";

// ---- connecting ------------------------------------------------------------------------

TEST(QmpClient, ConnectReadsTheGreetingAndLeavesNegotiationMode) {
  auto peer = StartPeer(QmpScript().Handshake());

  Result<QmpClient> client = ConnectTo(*peer);

  ASSERT_TRUE(client.has_value()) << client.error().Text();
  EXPECT_EQ(client->greeting().major, 7);
  EXPECT_EQ(client->greeting().minor, 2);
  EXPECT_EQ(client->greeting().micro, 22);
  EXPECT_EQ(client->greeting().package, "Debian 1:7.2+dfsg-7+deb12u18+b3");
  EXPECT_THAT(client->greeting().capabilities, ElementsAre("oob"));
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, ConnectWaitsForTheSocketToAppear) {
  auto peer = FakeQmpPeer::Start(QmpScript().Handshake(), 300ms);
  ASSERT_NE(peer, nullptr);

  Result<QmpClient> client = ConnectTo(*peer);

  ASSERT_TRUE(client.has_value()) << client.error().Text();
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, ConnectWithoutSocketTimesOutNamingThePath) {
  Result<util::TempDir> dir = util::TempDir::Create();
  ASSERT_TRUE(dir.has_value());
  const std::string path = (dir->path() / "qmp.sock").string();

  Result<QmpClient> client = QmpClient::Connect(path, 100ms);

  ASSERT_FALSE(client.has_value());
  EXPECT_EQ(client.error().code(), ErrorCode::kOperationTimeout);
  EXPECT_EQ(client.error().domain(), ErrorDomain::kQemu);
  EXPECT_EQ(client.error().detail(),
            "cannot connect to QMP socket '" + path + "' within 100 ms: No such file or directory");
}

TEST(QmpClient, ConnectToAPeerThatNeverGreetsTimesOut) {
  // The negotiation is sent at once (it waits in the socket until QEMU greets).
  auto peer = StartPeer(QmpScript().Expect({{"execute", "qmp_capabilities"}}));

  Result<QmpClient> client = QmpClient::Connect(peer->socket_path(), 200ms);

  ASSERT_FALSE(client.has_value());
  EXPECT_EQ(client.error().code(), ErrorCode::kOperationTimeout);
  EXPECT_THAT(client.error().detail(), HasSubstr("no QMP greeting on '"));
  EXPECT_THAT(client.error().detail(), HasSubstr("is another one connected?"));
}

TEST(QmpClient, ConnectRejectsAGreetingThatIsNotQmp) {
  auto peer = StartPeer(
      QmpScript().Send("{\"hello\": 1}\r\n").Expect({{"execute", "qmp_capabilities"}}));

  Result<QmpClient> client = ConnectTo(*peer);

  ASSERT_FALSE(client.has_value());
  EXPECT_EQ(client.error().code(), ErrorCode::kInternalError);
  EXPECT_THAT(client.error().detail(), HasSubstr("QEMU did not greet with QMP"));
  // The negotiation went out before the greeting came in; the peer may read it after the
  // client gave up, so wait for the script rather than stop it mid-step.
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, ConnectQueuesAnEventSentBeforeTheGreeting) {
  auto peer =
      StartPeer(QmpScript().Event("BLOCK_JOB_COMPLETED", {{"device", "backup-vda"}}).Handshake());

  Result<QmpClient> client = ConnectTo(*peer);

  ASSERT_TRUE(client.has_value()) << client.error().Text();
  EXPECT_EQ(client->greeting().major, 7);
  EXPECT_THAT(Names(client->TakeEvents()), ElementsAre("BLOCK_JOB_COMPLETED"));
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, DestructorClosesTheConnection) {
  auto peer = StartPeer(QmpScript().Handshake().Expect({{"execute", "never-sent"}}));
  {
    Result<QmpClient> client = ConnectTo(*peer);
    ASSERT_TRUE(client.has_value());
  }

  // The peer sees end-of-file at once instead of waiting out its step timeout.
  EXPECT_THAT(peer->Finish(2s), ElementsAre(HasSubstr("the client sent nothing")));
}

// ---- commands --------------------------------------------------------------------------

TEST(QmpClient, ExecuteSendsCommandAndArgumentsAndReturnsTheReturnValue) {
  auto peer = StartPeer(
      QmpScript()
          .Handshake()
          .Expect({{"execute", "query-named-block-nodes"}, {"arguments", {{"flat", true}}}})
          .Reply(json::array({{{"node-name", "disk0"}}})));
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());

  Result<json> reply = client->Execute("query-named-block-nodes", {{"flat", true}});

  ASSERT_TRUE(reply.has_value()) << reply.error().Text();
  EXPECT_EQ(*reply, json::parse(R"([{"node-name": "disk0"}])"));
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, ExecuteLeavesOutEmptyArguments) {
  auto peer = StartPeer(
      QmpScript().Handshake().Expect({{"execute", "query-status"}}).Send(kRunningReply + "\r\n"s));
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());

  Result<json> reply = client->Execute("query-status", json::object());

  ASSERT_TRUE(reply.has_value()) << reply.error().Text();
  EXPECT_EQ(reply->at("status"), "running");
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, ErrorReplyBecomesInternalErrorInLibvirtsWording) {
  auto peer =
      StartPeer(QmpScript()
                    .Handshake()
                    .Expect({{"execute", "block-dirty-bitmap-add"},
                             {"arguments", {{"node", "nope"}, {"name", "c1"}}}})
                    .ReplyError("GenericError", "Cannot find device='nope' nor node-name='nope'"));
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());

  Result<json> reply =
      client->Execute("block-dirty-bitmap-add", {{"node", "nope"}, {"name", "c1"}});

  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().code(), ErrorCode::kInternalError);
  EXPECT_EQ(reply.error().domain(), ErrorDomain::kQemu);
  EXPECT_EQ(reply.error().Text(),
            "internal error: unable to execute QEMU command 'block-dirty-bitmap-add': Cannot "
            "find device='nope' nor node-name='nope'");
  EXPECT_FALSE(client->closed());
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, ExecuteAllSendsEveryCommandBeforeReadingAndKeepsEachResult) {
  // The peer answers the first command only once it has read the second: a client that
  // waited for each reply before sending the next would time out.
  auto peer = StartPeer(QmpScript()
                            .Handshake()
                            .Expect({{"execute", "nbd-server-stop"}})
                            .Expect({{"execute", "job-dismiss"}, {"arguments", {{"id", "j1"}}}})
                            .Send(R"({"return": {}, "id": 2})" "\r\n"
                                  R"({"event": "JOB_STATUS_CHANGE", "data": {"id": "j1", "status": "null"}})" "\r\n"
                                  R"({"error": {"class": "GenericError", "desc": "no job"}, "id": 3})" "\r\n"));
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());
  client->set_command_timeout(2s);

  const QmpClient::Command commands[] = {{"nbd-server-stop"}, {"job-dismiss", {{"id", "j1"}}}};
  Result<std::vector<Result<json>>> replies = client->ExecuteAll(commands);

  ASSERT_TRUE(replies.has_value()) << replies.error().Text();
  ASSERT_EQ(replies->size(), 2u);
  EXPECT_TRUE((*replies)[0].has_value());
  ASSERT_FALSE((*replies)[1].has_value());
  EXPECT_EQ((*replies)[1].error().Text(),
            "internal error: unable to execute QEMU command 'job-dismiss': no job");
  EXPECT_THAT(Names(client->TakeEvents()), ElementsAre("JOB_STATUS_CHANGE"));
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, ReplySplitAcrossWritesIsReassembled) {
  auto peer = StartPeer(QmpScript()
                            .Handshake()
                            .Expect({{"execute", "query-status"}})
                            .Send(R"({"return": {"status": "run)")
                            .Pause(50ms)
                            .Send(R"(ning", "singlestep": false, "running": true}, "id": $ID})")
                            .Pause(50ms)
                            .Send("\r")
                            .Pause(50ms)
                            .Send("\n"));
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());

  Result<json> reply = client->Execute("query-status");

  ASSERT_TRUE(reply.has_value()) << reply.error().Text();
  EXPECT_EQ(reply->at("status"), "running");
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, EventAndReplyInOneWriteAreBothRead) {
  auto peer = StartPeer(QmpScript()
                            .Handshake()
                            .Expect({{"execute", "query-status"}})
                            .Send(R"({"timestamp": {"seconds": 1, "microseconds": 2}, )"
                                  R"("event": "RESUME"})"
                                  "\r\n"s +
                                  kRunningReply + "\r\n"));
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());

  Result<json> reply = client->Execute("query-status");

  ASSERT_TRUE(reply.has_value()) << reply.error().Text();
  EXPECT_THAT(Names(client->TakeEvents()), ElementsAre("RESUME"));
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, PeerClosingMidCommandIsOperationFailedNamingTheCommand) {
  auto peer = StartPeer(QmpScript().Handshake().Expect({{"execute", "query-status"}}).Close());
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());

  Result<json> reply = client->Execute("query-status");

  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().code(), ErrorCode::kOperationFailed);
  EXPECT_EQ(reply.error().detail(), "QEMU closed the monitor connection '" +
                                        peer->socket_path().string() +
                                        "' while waiting for the reply to 'query-status'");
  EXPECT_TRUE(client->closed());
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, ExecuteAfterCloseFailsAtOnce) {
  auto peer = StartPeer(QmpScript().Handshake().Close());
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());
  ASSERT_FALSE(client->ReadEvents(2s).has_value());

  Result<json> reply = client->Execute("query-status");

  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().code(), ErrorCode::kOperationFailed);
  EXPECT_THAT(reply.error().detail(), HasSubstr("cannot execute QEMU command 'query-status'"));
}

TEST(QmpClient, TimeoutIsOperationTimeoutAndTheLateReplyIsDropped) {
  auto peer = StartPeer(QmpScript()
                            .Handshake()
                            .Expect({{"execute", "query-status"}})
                            .Pause(300ms)
                            .Send(kRunningReply + "\r\n"s)  // the late reply, old id
                            .Expect({{"execute", "query-jobs"}})
                            .Reply(json::array()));
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());

  Result<json> late = client->Execute("query-status", nullptr, 50ms);
  Result<json> next = client->Execute("query-jobs");

  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code(), ErrorCode::kOperationTimeout);
  EXPECT_EQ(late.error().detail(), "no reply from QEMU to 'query-status' within 50 ms");
  ASSERT_TRUE(next.has_value()) << next.error().Text();
  EXPECT_EQ(*next, json::array());
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, ExecuteWithoutTimeoutUsesTheClientsCommandTimeout) {
  auto peer = StartPeer(QmpScript().Handshake().Expect({{"execute", "query-status"}}));
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());
  client->set_command_timeout(50ms);

  Result<json> reply = client->Execute("query-status");

  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().code(), ErrorCode::kOperationTimeout);
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, UnparsableMessageIsInternalError) {
  auto peer =
      StartPeer(QmpScript().Handshake().Expect({{"execute", "query-status"}}).Send("not json\r\n"));
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());

  Result<json> reply = client->Execute("query-status");

  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().code(), ErrorCode::kInternalError);
  EXPECT_EQ(reply.error().detail(), "cannot parse QMP message from QEMU: 'not json'");
}

TEST(QmpClient, MovedClientKeepsTheConnection) {
  auto peer = StartPeer(
      QmpScript().Handshake().Expect({{"execute", "query-status"}}).Send(kRunningReply + "\r\n"s));
  Result<QmpClient> connected = ConnectTo(*peer);
  ASSERT_TRUE(connected.has_value());

  QmpClient moved = std::move(*connected);
  Result<json> reply = moved.Execute("query-status");

  ASSERT_TRUE(reply.has_value()) << reply.error().Text();
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

// ---- events ----------------------------------------------------------------------------

TEST(QmpClient, EventsBeforeTheReplyAreQueuedInArrivalOrder) {
  auto peer = StartPeer(QmpScript()
                            .Handshake()
                            .Expect({{"execute", "query-jobs"}})
                            .Event("JOB_STATUS_CHANGE", {{"id", "bk0"}, {"status", "created"}})
                            .Event("JOB_STATUS_CHANGE", {{"id", "bk0"}, {"status", "running"}})
                            .Reply(json::array()));
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());

  ASSERT_TRUE(client->Execute("query-jobs").has_value());
  std::vector<Event> events = client->TakeEvents();

  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].name, "JOB_STATUS_CHANGE");
  EXPECT_EQ(events[0].data, json({{"id", "bk0"}, {"status", "created"}}));
  EXPECT_EQ(events[0].seconds, 1700000000);
  EXPECT_EQ(events[0].microseconds, 250);
  EXPECT_EQ(events[1].data.at("status"), "running");
  EXPECT_THAT(client->TakeEvents(), IsEmpty());
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, WaitForEventTakesAQueuedEventAndKeepsTheOthers) {
  auto peer = StartPeer(QmpScript()
                            .Handshake()
                            .Expect({{"execute", "stop"}})
                            .Event("STOP", nullptr)
                            .Event("JOB_STATUS_CHANGE", {{"id", "bk0"}, {"status", "paused"}})
                            .Reply());
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());
  ASSERT_TRUE(client->Execute("stop").has_value());

  Result<Event> job = client->WaitForEvent("JOB_STATUS_CHANGE", 0ms);

  ASSERT_TRUE(job.has_value()) << job.error().Text();
  EXPECT_EQ(job->data.at("status"), "paused");
  EXPECT_THAT(Names(client->TakeEvents()), ElementsAre("STOP"));
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, WaitForEventReadsUntilTheEventComes) {
  auto peer = StartPeer(QmpScript()
                            .Handshake()
                            .Pause(100ms)
                            .Event("JOB_STATUS_CHANGE", {{"id", "bk0"}, {"status", "pending"}})
                            .Pause(50ms)
                            .Event("BLOCK_JOB_COMPLETED", {{"device", "bk0"},
                                                           {"len", 65536},
                                                           {"offset", 65536},
                                                           {"speed", 0},
                                                           {"type", "backup"}}));
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());

  Result<Event> completed = client->WaitForEvent("BLOCK_JOB_COMPLETED", 5s);

  ASSERT_TRUE(completed.has_value()) << completed.error().Text();
  EXPECT_EQ(completed->data.at("device"), "bk0");
  EXPECT_THAT(Names(client->TakeEvents()), ElementsAre("JOB_STATUS_CHANGE"));
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, WaitForEventWithAConditionPassesOverOtherEvents) {
  auto peer = StartPeer(QmpScript()
                            .Handshake()
                            .Event("JOB_STATUS_CHANGE", {{"id", "bk1"}, {"status", "concluded"}})
                            .Event("JOB_STATUS_CHANGE", {{"id", "bk0"}, {"status", "concluded"}}));
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());

  Result<Event> event = client->WaitForEvent(
      "bk0 concluded", [](const Event& e) { return e.data.value("id", "") == "bk0"; }, 5s);

  ASSERT_TRUE(event.has_value()) << event.error().Text();
  EXPECT_EQ(event->data.at("id"), "bk0");
  std::vector<Event> rest = client->TakeEvents();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].data.at("id"), "bk1");
}

TEST(QmpClient, WaitForEventTimesOutNamingTheEvent) {
  auto peer = StartPeer(QmpScript().Handshake());
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());

  Result<Event> event = client->WaitForEvent("SHUTDOWN", 50ms);

  ASSERT_FALSE(event.has_value());
  EXPECT_EQ(event.error().code(), ErrorCode::kOperationTimeout);
  EXPECT_EQ(event.error().detail(), "no event 'SHUTDOWN' from QEMU within 50 ms");
  EXPECT_THAT(peer->Finish(), IsEmpty());
}

TEST(QmpClient, EventWithoutDataHasAnEmptyObject) {
  auto peer = StartPeer(QmpScript().Handshake().Event("RESUME", nullptr));
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());

  Result<Event> event = client->WaitForEvent("RESUME", 5s);

  ASSERT_TRUE(event.has_value()) << event.error().Text();
  EXPECT_EQ(event->data, json::object());
}

TEST(QmpClient, EventsSentBeforeQemuClosedStayAvailable) {
  // What QEMU 7.2 does on "quit": SHUTDOWN first, then the reply, then it is gone.
  auto peer = StartPeer(QmpScript()
                            .Handshake()
                            .Expect({{"execute", "quit"}})
                            .Event("SHUTDOWN", {{"guest", false}, {"reason", "host-qmp-quit"}})
                            .Reply()
                            .Close());
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());
  ASSERT_TRUE(client->Execute("quit").has_value());

  Status more = client->ReadEvents(2s);
  Result<Event> shutdown = client->WaitForEvent("SHUTDOWN", 0ms);
  Result<Event> another = client->WaitForEvent("SHUTDOWN", 0ms);

  ASSERT_FALSE(more.has_value());
  EXPECT_EQ(more.error().code(), ErrorCode::kOperationFailed);
  EXPECT_TRUE(client->closed());
  ASSERT_TRUE(shutdown.has_value()) << shutdown.error().Text();
  EXPECT_EQ(shutdown->data.at("reason"), "host-qmp-quit");
  ASSERT_FALSE(another.has_value());
  EXPECT_EQ(another.error().code(), ErrorCode::kOperationFailed);
  EXPECT_THAT(another.error().detail(), HasSubstr("while waiting for event 'SHUTDOWN'"));
}

TEST(QmpClient, ReadEventsWithNothingToReadSucceeds) {
  auto peer = StartPeer(QmpScript().Handshake());
  Result<QmpClient> client = ConnectTo(*peer);
  ASSERT_TRUE(client.has_value());

  Status read = client->ReadEvents();

  EXPECT_TRUE(read.has_value()) << read.error().Text();
  EXPECT_THAT(client->TakeEvents(), IsEmpty());
}

}  // namespace
}  // namespace cairn::qmp
