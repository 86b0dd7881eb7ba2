using System.Net;
using Xunit.Abstractions;

namespace MeshActors.SystemTests;

/// <summary>
/// Names, DNS and automatic IPv4 addresses between whole nodes in a namespace line A—B—C, where A and C reach each
/// other only through the overlay. Nodes are configured with <c>ipv4.network</c> alone (no IPv4 address), serve DNS on
/// 127.0.0.1:53 in their namespace, and are named after their node (A announces "a", lab.sh's "A" lower-cased).
/// </summary>
public sealed class NamesLabTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    private static readonly IPNetwork Network = IPNetwork.Parse("10.250.0.0/16");

    private static string Dll => RepoPaths.NodeDll()!;

    [NodeLabFact]
    public void Nodes_with_only_an_ipv4_network_ping_each_other_by_the_addresses_they_chose_and_dns_answers_across_the_line()
    {
        Assert.True(Shell.OnPath("dig"), "dig is needed (Debian: dnsutils)");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var lab = Lab.Up("line");
        lab.Start(Dll, ipv4Network: Network.ToString(), dns: "127.0.0.1:53");
        output.WriteLine($"lab up and nodes started after {clock.Elapsed.TotalSeconds:0.0} s");

        // Each node's own DNS knows its own address first; the far end learns it from the flooded records.
        var chosen = new Dictionary<string, IPAddress>();
        foreach (var node in new[] { "A", "B", "C" })
        {
            chosen[node] = Resolve(lab, node, node.ToLowerInvariant(), "A") ?? throw new Xunit.Sdk.XunitException($"{node} never answered its own name\n" + Lab.LogTails());
            Assert.True(Network.Contains(chosen[node]), $"{node} chose {chosen[node]}, outside {Network}");
        }

        output.WriteLine($"each node answered its own name after {clock.Elapsed.TotalSeconds:0.0} s: " + string.Join(", ", chosen.Select(pair => $"{pair.Key} = {pair.Value}")));
        Assert.Equal(3, chosen.Values.Distinct().Count());

        Assert.Equal(chosen["A"], Resolve(lab, "C", "a", "A"));
        Assert.Equal(lab.OverlayAddress(Dll, "A"), Resolve(lab, "C", "a", "AAAA"));
        Assert.Equal(chosen["C"], Resolve(lab, "A", "c", "A"));
        Assert.Contains("status: NXDOMAIN", lab.Exec("C", "dig", "@127.0.0.1", "nobody.mesh", "AAAA").Output);
        var pointer = lab.Exec("C", "dig", "@127.0.0.1", "+short", "-x", lab.OverlayAddress(Dll, "A").ToString()).Output.Trim();
        Assert.Equal("a.mesh.", pointer);
        output.WriteLine($"names resolved across the line after {clock.Elapsed.TotalSeconds:0.0} s");

        foreach (var (from, to) in new[] { ("A", "C"), ("C", "A"), ("A", "B"), ("B", "C"), ("C", "B"), ("B", "A") })
        {
            Assert.True(lab.PingsWithin(from, chosen[to].ToString(), Convergence), $"{from} cannot ping {to} at {chosen[to]}\n" + Lab.LogTails());
        }

        output.WriteLine($"all six pings answered after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// Two nodes whose keys (picked by the test) derive the same address in a /29: the larger key moves to its next
    /// address, on its TUN device as well as in its routes and record, and the two ping each other by their final ones.
    /// </summary>
    [NodeLabFact]
    public void Two_nodes_on_one_derived_address_end_apart_and_ping_each_other()
    {
        var network = IPNetwork.Parse("10.251.0.0/29");
        using var lab = Lab.Up("pair");
        var keyA = KeyOf(Path.Combine(Lab.StateDirectory, "A.key"));
        var keyB = KeyOf(Path.Combine(Lab.StateDirectory, "B.key"));
        for (var tries = 0; !Candidate(network, keyB, 0).Equals(Candidate(network, keyA, 0)); tries++)
        {
            Assert.True(tries < 100, "no colliding key in 100 tries");
            File.Delete(Path.Combine(Lab.StateDirectory, "B.key"));
            keyB = KeyOf(Path.Combine(Lab.StateDirectory, "B.key"));
        }

        var shared = Candidate(network, keyA, 0);
        var (stays, moves) = Convert.FromHexString(keyA).AsSpan().SequenceCompareTo(Convert.FromHexString(keyB)) < 0 ? ("A", "B") : ("B", "A");
        lab.Start(Dll, ipv4Network: network.ToString(), dns: "127.0.0.1:53");

        var deadline = DateTime.UtcNow + Convergence;
        IPAddress? moved;
        while ((moved = Resolve(lab, stays, moves.ToLowerInvariant(), "A")) is null || moved.Equals(shared))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{moves} did not move off {shared}\n{Diagnose(lab)}\n" + Lab.LogTails(40));
            Thread.Sleep(250);
        }

        output.WriteLine($"{stays} kept {shared}; {moves} moved to {moved}");
        Assert.True(network.Contains(moved));
        Assert.Equal(shared, Resolve(lab, moves, stays.ToLowerInvariant(), "A"));
        var addresses = lab.Exec(moves, "ip", "-4", "-o", "addr", "show", "dev", "mesh0").Output;
        Assert.Contains($"inet {moved}/32", addresses);
        Assert.DoesNotContain($"inet {shared}/32", addresses);
        Assert.True(lab.PingsWithin(stays, moved.ToString(), Convergence), $"{stays} cannot ping {moves} at {moved}\n{Diagnose(lab)}\n" + Lab.LogTails());
        Assert.True(lab.PingsWithin(moves, shared.ToString(), Convergence), $"{moves} cannot ping {stays} at {shared}\n{Diagnose(lab)}\n" + Lab.LogTails());
    }

    /// <summary>Both nodes' names, routes, kernel addresses and routes and non-zero counters, for an assertion message.</summary>
    private static string Diagnose(Lab lab) => string.Join('\n', new[] { "A", "B" }.SelectMany(node => new[]
    {
        $"--- {node}: names list", lab.Exec(node, "dotnet", Dll, "names", "list").Output,
        $"--- {node}: ip -4 addr and route", lab.Exec(node, "ip", "-4", "addr").Output, lab.Exec(node, "ip", "-4", "route").Output,
        $"--- {node}: ctl stats", lab.Exec(node, "dotnet", Dll, "ctl", "stats").Output,
        $"--- {node}: routes selected", lab.Exec(node, "dotnet", Dll, "routes", "selected").Output,
        $"--- {node}: routes fallback", lab.Exec(node, "dotnet", Dll, "routes", "fallback").Output,
    }));

    /// <summary>The public key (hex) of the key file, created by <c>inspect</c> when missing.</summary>
    private static string KeyOf(string keyFile)
    {
        var result = Shell.Run("dotnet", Dll, "inspect", "--json", "-k", keyFile);
        Assert.True(result.ExitCode == 0, $"inspect failed: {result}");
        using var json = System.Text.Json.JsonDocument.Parse(result.Output);
        return json.RootElement.GetProperty("publicKey").GetString()!;
    }

    /// <summary>Candidate <paramref name="attempt"/> of a key in a network, computed from the documented rule
    /// (README "IPv4 networks"), independently of the node's code.</summary>
    private static IPAddress Candidate(IPNetwork network, string keyHex, uint attempt)
    {
        var input = "meshactors/ipv4/v1"u8.ToArray().Concat(Convert.FromHexString(keyHex)).Concat(BitConverter.GetBytes(attempt).Reverse()).ToArray();
        var hash = System.Security.Cryptography.SHA256.HashData(input);
        var hosts = (1u << (32 - network.PrefixLength)) - 2;
        var start = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(network.BaseAddress.GetAddressBytes());
        var host = start + 1 + (System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash) % hosts);
        var bytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, host);
        return new IPAddress(bytes);
    }

    /// <summary>The first answer of <paramref name="type"/> for NAME.mesh from the DNS server of <paramref name="node"/>, polled until it comes.</summary>
    private static IPAddress? Resolve(Lab lab, string node, string name, string type)
    {
        var deadline = DateTime.UtcNow + Convergence;
        while (DateTime.UtcNow < deadline)
        {
            var answer = lab.Exec(node, "dig", "@127.0.0.1", "+short", "+time=1", "+tries=1", $"{name}.mesh", type).Output
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (answer.Length > 0 && IPAddress.TryParse(answer[0].Trim(), out var address))
            {
                return address;
            }

            Thread.Sleep(250);
        }

        return null;
    }
}
