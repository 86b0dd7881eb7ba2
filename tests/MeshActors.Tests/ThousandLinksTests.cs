using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Protocol.Frames;
using MeshActors.Testing.Doubles;
using Xunit.Abstractions;

namespace MeshActors.Tests;

/// <summary>
/// One node process (the hub, started from the built MeshActors.dll) holds 1,000 authenticated TCP links that this
/// test process opens, each as its own identity, all served by the test's two event-loop threads. The hub must hold
/// them all up with sane hello RTTs within a memory budget and without a thread per link, and get its threads and
/// memory back when they close (<c>links.trim-after-mass-close</c>).
/// </summary>
public sealed class ThousandLinksTests(ITestOutputHelper output)
{
    private const int Links = 1000;

    /// <summary>The hub's resident memory with 1,000 links up, at most (the issue's budget: ~300 KB a link).</summary>
    private const long MaxHubRssBytes = 300L << 20;

    /// <summary>
    /// How far above its idle RSS the hub may stay once the links are gone and it gave their memory back
    /// (<c>links.trim-after-mass-close</c>). Measured +8 MB (106 → 114 MB): the buffer pool keeps the buffers the
    /// load made it create (70 × 64 KB), tables keep their grown capacity. Without the trim the dead links held
    /// +51..54 MB a minute later (the heap held them, no collection ran on the idle node), so 24 MB fails that
    /// and leaves three times the measured rest for a loaded machine, whose longer send queues need more buffers.
    /// </summary>
    private const long RssMarginAfterClose = 24L << 20;

    /// <summary>Threads the hub may have above idle once its links are gone: thread-pool workers that the load
    /// started retire after 20 s idle; a few may still be parked.</summary>
    private const int ThreadMarginAfterClose = 4;

    /// <summary>What Linux shows (<c>/proc/PID/task/N/comm</c>) for a .NET thread-pool worker thread.</summary>
    private const string PoolWorkerName = ".NET TP Worker";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_node_holds_a_thousand_links_with_flat_threads_and_bounded_memory_and_lets_them_go()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "MeshActors.dll");
        using var work = new TempDirectory();
        var linkPort = TestPorts.Next();
        var apiPort = TestPorts.Next();
        File.WriteAllText(Path.Combine(work.Path, "hub.hocon"), $$"""
            meshactors {
              key-file = "{{Path.Combine(work.Path, "hub.key")}}"
              listen = ["tcp://127.0.0.1:{{linkPort}}"]
              tun.enabled = off
              api.address = "127.0.0.1:{{apiPort}}"
              links.dead-after = 10s
              links.handshake-timeout = 30s
              log-level = warning
            }
            """);
        using var hub = new HubProcess(dll, Path.Combine(work.Path, "hub.hocon"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}"), Timeout = TimeSpan.FromSeconds(30) };
        await WaitUntil(async () => (await TryGet(http, "/api/v1/admin")) is not null, "hub API up");
        await Task.Delay(TimeSpan.FromSeconds(2)); // let start-up settle before the idle sample
        var idle = Sample(hub);
        output.WriteLine($"idle: {idle}; {await DataPlane(http)}");

        var pool = new BufferPool(4096, 4096);
        // A handshake may wait as long as a dial: a loaded machine answers a wave of a hundred slowly, not wrongly.
        var options = new LinkOptions { IoThreads = 2, HandshakeTimeoutMs = 30_000 };
        var identities = Enumerable.Range(0, Links).Select(_ => NodeIdentity.Generate()).ToList();
        var environments = identities.Select((id, i) => i == 0
            ? new LinkEnvironment(new HandshakeSettings(id, AdmissionPolicy.Open), pool, options)
            : null).ToList();
        for (var i = 1; i < Links; i++)
        {
            environments[i] = new LinkEnvironment(new HandshakeSettings(identities[i], AdmissionPolicy.Open), pool, options, shareLoopsWith: environments[0]);
        }

        var links = new Link[Links];
        var answerer = new HelloAnswerer();
        var uri = PeerUri.Parse($"tcp://127.0.0.1:{linkPort}");
        try
        {
            // dial in waves below the hub's 256 concurrent handshakes
            for (var wave = 0; wave < Links; wave += 100)
            {
                await Task.WhenAll(Enumerable.Range(wave, Math.Min(100, Links - wave)).Select(async i =>
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    links[i] = await new LinkFactory(environments[i]!).ConnectAsync(uri, timeout.Token);
                    links[i].Claim(answerer);
                }));
            }

            var up = await WaitForPeers(http, peers => peers.Count(p => p["state"]!.GetValue<string>() == "up" && p["rttMs"] is not null) >= Links);
            var rtts = up.Where(p => p["rttMs"] is not null).Select(p => p["rttMs"]!.GetValue<double>()).Order().ToList();
            var loaded = Sample(hub);
            output.WriteLine($"{Links} links up: {loaded}; hello RTT median {rtts[rtts.Count / 2]:0.00} ms, p99 {rtts[rtts.Count * 99 / 100]:0.00} ms, max {rtts[^1]:0.00} ms");
            output.WriteLine($"per link: {(loaded.RssBytes - idle.RssBytes) / Links / 1024} KB, threads +{loaded.Threads - idle.Threads}; {await DataPlane(http)}");

            Assert.True(loaded.RssBytes <= MaxHubRssBytes, $"hub RSS {loaded.RssBytes >> 20} MB with {Links} links");
            Assert.True(loaded.OwnThreads <= idle.OwnThreads + 8, $"hub's own threads {idle} -> {loaded}: not flat in the number of links");
            Assert.True(loaded.Threads <= idle.Threads + (Links / 10), $"hub threads {idle} -> {loaded}: growing with the links");
            Assert.True(rtts[rtts.Count / 2] < 250, $"median hello RTT {rtts[rtts.Count / 2]} ms");
            Assert.True(rtts[^1] < 2000, $"largest hello RTT {rtts[^1]} ms");
        }
        finally
        {
            foreach (var link in links)
            {
                link?.Close();
            }

            await Task.WhenAll(links.Where(link => link is not null).Select(link => link.Closed.WaitAsync(Patience)));
        }

        await WaitForPeers(http, peers => peers.Count == 0);
        var closed = Sample(hub);
        output.WriteLine($"all closed: {closed}; {await DataPlane(http)}");
        Assert.True(closed.OwnThreads <= idle.OwnThreads + 4, $"hub's own threads: {idle} at idle, {closed} after the links closed");

        // The hub returns the dead links' memory after links.trim-after-mass-close (10 s) without a further close.
        var deadline = DateTime.UtcNow + Patience;
        var after = closed;
        while (after.RssBytes > idle.RssBytes + RssMarginAfterClose || after.Threads > idle.Threads + ThreadMarginAfterClose)
        {
            Assert.True(DateTime.UtcNow < deadline,
                $"hub not back within {RssMarginAfterClose >> 20} MB and {ThreadMarginAfterClose} threads of idle ({idle}): {after}; {await DataPlane(http)}");
            await Task.Delay(250);
            after = Sample(hub);
        }

        output.WriteLine($"back near idle: {after}; {await DataPlane(http)}");
        foreach (var environment in environments.Skip(1).Append(environments[0]))
        {
            environment!.Dispose();
        }

        foreach (var identity in identities)
        {
            identity.Dispose();
        }
    }

    private static async Task<List<JsonNode>> WaitForPeers(HttpClient http, Func<List<JsonNode>, bool> condition)
    {
        List<JsonNode> peers = [];
        await WaitUntil(async () =>
        {
            peers = (await TryGet(http, "/api/v1/admin/peers"))?.AsArray().Select(p => p!).ToList() ?? [];
            return condition(peers);
        }, $"hub peers; last seen {peers.Count}");
        return peers;
    }

    private static async Task<string> DataPlane(HttpClient http) =>
        (await TryGet(http, "/api/v1/admin/dataplane")) is { } view ? $"pool {view["pool"]?.ToJsonString()} memory {view["memory"]?.ToJsonString()}" : "no dataplane view";

    private static async Task<JsonNode?> TryGet(HttpClient http, string path)
    {
        try
        {
            return await http.GetFromJsonAsync<JsonNode>(path);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(250);
        }
    }

    private static HubSample Sample(HubProcess hub)
    {
        var status = File.ReadAllLines($"/proc/{hub.Process.Id}/status");
        long Field(string name) => long.Parse(status.First(line => line.StartsWith(name + ":", StringComparison.Ordinal))
            .Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        var poolWorkers = Directory.GetDirectories($"/proc/{hub.Process.Id}/task")
            .Count(task => File.Exists(Path.Combine(task, "comm")) && File.ReadAllText(Path.Combine(task, "comm")).StartsWith(PoolWorkerName, StringComparison.Ordinal));
        return new HubSample(Field("VmRSS") * 1024, (int)Field("Threads"), poolWorkers);
    }

    /// <param name="PoolWorkers">Threads of the shared .NET thread pool, which grows with CPU starvation (a loaded
    /// machine), not with links; <see cref="OwnThreads"/> are the rest: event loops, readers, timers.</param>
    private readonly record struct HubSample(long RssBytes, int Threads, int PoolWorkers)
    {
        public int OwnThreads => Threads - PoolWorkers;

        public override string ToString() => $"RSS {RssBytes >> 20} MB, {Threads} threads ({PoolWorkers} pool workers)";
    }

    /// <summary>Answers the hub's hellos on each link (so it measures RTT), as a node's PeerLink would.</summary>
    private sealed class HelloAnswerer : ILinkEvents
    {
        public void ControlPending(Link link)
        {
            Span<byte> answer = stackalloc byte[IhuPayload.Size];
            while (link.Inbox.TryTake(out var frame))
            {
                if (frame.Type == FrameType.Hello && HelloPayload.TryRead(frame.Payload, out var hello))
                {
                    new IhuPayload(hello.SenderTimestampMicros, 0, 1, 1).Write(answer);
                    link.SendControl(FrameType.Ihu, answer);
                }
            }

            link.Inbox.Rearm();
        }
    }

    /// <summary>The hub node: <c>dotnet MeshActors.dll --config FILE</c>; killed (by its PID) on dispose.</summary>
    private sealed class HubProcess : IDisposable
    {
        public HubProcess(string dll, string config)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(dll);
            start.ArgumentList.Add("--config");
            start.ArgumentList.Add(config);
            Process = Process.Start(start)!;
            Process.BeginErrorReadLine();
            Process.BeginOutputReadLine();
        }

        public Process Process { get; }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit(5000);
            }

            Process.Dispose();
        }
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("meshactors-links-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
