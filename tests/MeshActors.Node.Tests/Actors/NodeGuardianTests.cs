using Akka.Actor;
using Akka.TestKit.Xunit2;
using MeshActors.Node.Actors;

namespace MeshActors.Node.Tests.Actors;

public class NodeGuardianTests : TestKit
{
    // Children start asynchronously under their backoff supervisors, so first contact retries until one answers: each
    // try waits Retry for the answer, and the tries go on for Patience, which only a failing test waits out.
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly NodeInfo Identity = new("test", new string('a', 64), "fd6d::1", "fd6d::/64", 0, "0.0.0");

    [Fact]
    public async Task Starts_its_children_answers_info_and_stops_cleanly()
    {
        var guardian = Sys.ActorOf(NodeGuardian.Props(Identity, [new ChildSpec("echo", Props.Create(() => new EchoChild()))], new NodeFailure()), NodeGuardian.Name);
        Watch(guardian);

        var info = await guardian.Ask<NodeInfo>(GetNodeInfo.Instance, RemainingOrDefault);
        Assert.Equal("test", info.NodeName);
        Assert.True(info.UptimeSeconds >= 0);

        AwaitAssert(
            () =>
            {
                Sys.ActorSelection("/user/node/echo").Tell("hello", TestActor);
                ExpectMsg("hello", Retry);
            },
            Patience,
            Retry);

        Sys.Stop(guardian);
        ExpectTerminated(guardian);
    }

    [Fact]
    public async Task A_failing_child_is_restarted_and_the_guardian_lives_on()
    {
        var guardian = Sys.ActorOf(NodeGuardian.Props(Identity, [new ChildSpec("flaky", Props.Create(() => new FlakyChild()))], new NodeFailure()), NodeGuardian.Name);
        Watch(guardian);
        var flaky = Sys.ActorSelection("/user/node/flaky");

        var first = Guid.Empty;
        AwaitAssert(
            () =>
            {
                flaky.Tell("incarnation", TestActor);
                first = ExpectMsg<Guid>(Retry);
            },
            Patience,
            Retry);
        flaky.Tell("fail");

        AwaitAssert(
            () =>
            {
                flaky.Tell("incarnation", TestActor);
                Assert.NotEqual(first, ExpectMsg<Guid>(Retry));
            },
            Patience,
            Retry);
        Assert.Equal("test", (await guardian.Ask<NodeInfo>(GetNodeInfo.Instance, RemainingOrDefault)).NodeName);
    }

    private sealed class EchoChild : ReceiveActor
    {
        public EchoChild() => ReceiveAny(message => Sender.Tell(message));
    }

    private sealed class FlakyChild : ReceiveActor
    {
        private readonly Guid _incarnation = Guid.NewGuid();

        public FlakyChild()
        {
            Receive<string>(text => text == "incarnation", _ => Sender.Tell(_incarnation));
            Receive<string>(text => text == "fail", _ => throw new InvalidOperationException("induced failure"));
        }
    }
}
