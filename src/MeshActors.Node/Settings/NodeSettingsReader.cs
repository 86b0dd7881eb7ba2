using System.Globalization;
using System.Net;
using System.Numerics;
using Akka.Configuration.Hocon;
using MeshActors.Crypto;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.Messaging;
using MeshActors.DataPlane.Tun;
using MeshActors.Protocol;
using MeshActors.DataPlane.Transports;
using MeshActors.Protocol.Addressing;
using MeshActors.Protocol.Data;
using MeshActors.Protocol.Frames;
using MeshActors.Routing;
using Serilog.Events;

namespace MeshActors.Node.Settings;

/// <summary>
/// Turns a checked <see cref="HoconSource"/> into <see cref="NodeSettings"/>: every value is type-checked and
/// range-checked here, and every problem found is reported with file, line and key (all of them, not just the first).
/// </summary>
public sealed class NodeSettingsReader
{
    /// <summary>Shortest and longest link timer accepted: below 10 ms timers only burn CPU; above 10 min nothing is detected.</summary>
    private static readonly TimeSpan MinTimer = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMinutes(10);

    /// <summary>Largest queue, ring or table a key may ask for (entries): far beyond any need, short of a memory accident.</summary>
    private const int MaxQueue = 65536;

    /// <summary>Smallest UDP frame, bytes: it must still carry a 1,280-byte IPv6 packet (the minimum link MTU).</summary>
    private const int MinUdpFrameSize = TunSettings.MinMtu + FrameLayout.TransportOverhead + InnerLayout.Overhead;

    private readonly HoconSource _source;
    private readonly List<ConfigError> _errors = [];

    private NodeSettingsReader(HoconSource source) => _source = source;

    public static NodeSettings Read(HoconSource source)
    {
        var reader = new NodeSettingsReader(source);
        var settings = reader.ReadAll();
        if (reader._errors.Count > 0)
        {
            throw new ConfigException(reader._errors);
        }

        return settings;
    }

    private NodeSettings ReadAll()
    {
        var overlayPrefix = ReadOverlayPrefix("overlay-prefix");
        var settings = new NodeSettings
        {
            NodeName = ReadString("node-name", allowEmpty: true),
            KeyFile = ReadString("key-file", allowEmpty: false),
            OverlayPrefix = overlayPrefix,
            Listen = ReadUris("listen"),
            Peers = ReadUris("peers"),
            Admission = ReadAdmission(),
            Tun = new TunSettings(
                ReadBool("tun.enabled"),
                ReadTunName("tun.name"),
                ReadInt("tun.mtu", TunSettings.MinMtu, TunSettings.MaxMtu),
                ReadBool("tun.checksum-offload"),
                ReadBool("tun.segmentation-offload")),
            Ipv4 = new Ipv4Settings(ReadIpv4Addresses("ipv4.addresses"), ReadIpv4Prefixes("ipv4.prefixes")),
            LinkTimers = ReadLinkTimers(),
            LinkOptions = ReadLinkOptions(),
            DataPlane = ReadDataPlane(),
            Routing = ReadRouting(),
            ApiAddress = ReadEndPoint("api.address"),
            LogLevel = ReadLogLevel("log-level"),
            Messages = ReadMessages(),
            ApiToken = new Api.ApiToken(ReadString("api.token", allowEmpty: true)),
            Names = ReadNames(),
            Dns = ReadDns(),
            Socks = ReadSocks(),
            Tunnels = ReadTunnels(),
            Nat = ReadNat(),
            Discovery = new DiscoverySettings(
                ReadBool("discovery.lan"),
                ReadDuration("discovery.lan-interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
                ReadInt("discovery.lan-port", 1, 65535),
                ReadBool("discovery.rendezvous")),
            Ipv4Network = new Ipv4NetworkSettings(
                ReadIpv4Network("ipv4.network"), ReadDuration("ipv4.conflict-check-interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1))),
            Exit = ReadExit(overlayPrefix),
            State = new StateSettings(
                ReadString("data-dir", allowEmpty: false),
                ReadDuration("state.write-interval", TimeSpan.Zero, TimeSpan.FromMinutes(1))),
        };

        CheckPoolBudget(settings.DataPlane, settings.Tun.Mtu);
        return settings;
    }

    /// <summary>Sizes in bytes up to 1 GiB, durations up to a day: beyond them a value is a typo, not a tuning.</summary>
    private MessageBusSettings ReadMessages()
    {
        const int maxBytes = 1 << 30;
        var day = TimeSpan.FromDays(1);
        var settings = new MessageBusSettings
        {
            MaxMessageSize = ReadInt("messages.max-message-size", 1, maxBytes),
            MaxFrameSize = ReadInt("messages.max-frame-size", 1, maxBytes),
            MaxInFlight = ReadInt("messages.max-in-flight", 1, 1_000_000),
            MaxInboxMessages = ReadInt("messages.max-inbox-messages", 1, 1_000_000),
            MaxInboxBytes = ReadInt("messages.max-inbox-bytes", 1, maxBytes),
            MaxReassemblies = ReadInt("messages.max-reassemblies", 1, 1_000_000),
            MaxReassemblyBytes = ReadInt("messages.max-reassembly-bytes", 1, maxBytes),
            ReassemblyIdleTimeout = ReadDuration("messages.reassembly-idle-timeout", MinTimer, day),
            InitialRetransmitInterval = ReadDuration("messages.initial-retransmit-interval", MinTimer, day),
            MinRetransmitInterval = ReadDuration("messages.min-retransmit-interval", MinTimer, day),
            MaxRetransmitInterval = ReadDuration("messages.max-retransmit-interval", MinTimer, day),
            InitialSendWindow = ReadInt("messages.initial-send-window", 1, 1_000_000),
            MaxSendWindow = ReadInt("messages.max-send-window", 1, 1_000_000),
            DefaultDeadline = ReadDuration("messages.default-deadline", MinTimer, day),
            DeliveredIdRetention = ReadDuration("messages.delivered-id-retention", MinTimer, day),
            MaxDeliveredIds = ReadInt("messages.max-delivered-ids", 1, 100_000_000),
            StatusRetention = ReadDuration("messages.status-retention", MinTimer, day),
            MaxStatusEntries = ReadInt("messages.max-status-entries", 1, 100_000_000),
        };
        try
        {
            settings.Validate();
        }
        catch (ArgumentException e)
        {
            // The message is "meshactors.messages.KEY problem": report it under that key like every other error.
            var split = e.Message.IndexOf(' ', StringComparison.Ordinal);
            Fail(e.Message[(HoconSource.Section.Length + 1)..split], e.Message[(split + 1)..]);
        }

        return settings;
    }

    /// <summary>Lifetime at least twice the refresh interval, so one lost flood never lets a live record expire.</summary>
    private NameSettings ReadNames()
    {
        var names = new NameSettings(
            ReadDuration("names.refresh-interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            ReadDuration("names.record-lifetime", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(Protocol.Names.NameRecordCodec.MaxLifetimeSeconds)),
            ReadInt("names.max-records", 16, 16_777_216),
            ReadDuration("names.max-clock-skew", TimeSpan.Zero, TimeSpan.FromHours(1)));
        if (names.RecordLifetime < 2 * names.RefreshInterval)
        {
            Fail("names.record-lifetime", $"must be at least 2 × names.refresh-interval ({2 * names.RefreshInterval.TotalSeconds:0.###}s), got {names.RecordLifetime.TotalSeconds:0.###}s");
        }

        return names;
    }

    /// <summary>Exit prefixes of either family, none inside or covering the overlay prefix (whose /64s belong to keys), at most as
    /// many as a name record carries; the masquerade interface empty or an interface name.</summary>
    private ExitSettings ReadExit(IpPrefix overlayPrefix)
    {
        var prefixes = new List<IpPrefix>();
        foreach (var text in ReadStringList("exit.prefixes"))
        {
            if (!IpPrefix.TryParse(text, out var prefix))
            {
                Fail("exit.prefixes", $"'{text}' is not a prefix in CIDR notation (e.g. 0.0.0.0/0, 2000::/3 or 192.168.5.0/24)");
            }
            else if (overlayPrefix.Covers(prefix))
            {
                Fail("exit.prefixes", $"'{text}' lies inside overlay-prefix {overlayPrefix}, whose addresses belong to node keys");
            }
            else if (prefix.Covers(overlayPrefix))
            {
                Fail("exit.prefixes", $"'{text}' covers overlay-prefix {overlayPrefix}, which routing refuses from anyone (for the IPv6 internet use 2000::/3, all global unicast)");
            }
            else
            {
                prefixes.Add(prefix);
            }
        }

        if (prefixes.Distinct().Count() > Protocol.Names.NameRecordCodec.MaxExitPrefixes)
        {
            Fail("exit.prefixes", $"lists more than {Protocol.Names.NameRecordCodec.MaxExitPrefixes} prefixes");
        }

        var masquerade = ReadString("exit.masquerade-interface", allowEmpty: true);
        if (masquerade.Length > 0 && !TunSettings.IsValidName(masquerade, out var problem))
        {
            Fail("exit.masquerade-interface", problem);
        }

        return new ExitSettings([.. prefixes.Distinct()], masquerade);
    }

    private NatSettings ReadNat()
    {
        var nat = new NatSettings(
            ReadDuration("nat.reflection-interval", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            ReadBool("nat.punch"),
            ReadDuration("nat.retry-min", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            ReadDuration("nat.retry-max", TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1)),
            ReadBool("nat.relay"));
        if (nat.RetryMax < nat.RetryMin)
        {
            Fail("nat.retry-max", $"must be at least nat.retry-min ({nat.RetryMin.TotalSeconds:0.###}s), got {nat.RetryMax.TotalSeconds:0.###}s");
        }

        return nat;
    }

    private DnsSettings ReadDns()
    {
        var text = ReadString("dns.address", allowEmpty: true);
        IPEndPoint? address = null;
        if (text.Length > 0 && !EndPointText.TryParse(text, out address))
        {
            Fail("dns.address", $"must be empty (no DNS server) or HOST:PORT with a numeric address (e.g. 127.0.0.1:5353), got '{text}'");
        }

        var domain = ReadString("dns.domain", allowEmpty: false).Trim('.').ToLowerInvariant();
        if (domain.Length > 0 && !domain.Split('.').All(label => Protocol.Names.NameSyntax.IsValid(label)))
        {
            Fail("dns.domain", $"must be one or more DNS labels separated by dots (e.g. mesh), got '{domain}'");
        }

        return new DnsSettings(address, domain, ReadDuration("dns.ttl", TimeSpan.Zero, TimeSpan.FromDays(1)));
    }

    /// <summary>The gateway on loopback only; a relay buffer of at least 1 KiB (smaller only costs system calls) and at
    /// most 1 MiB (per direction and session, so max-sessions x 2 MiB at worst).</summary>
    private SocksSettings ReadSocks()
    {
        var text = ReadString("socks.listen", allowEmpty: true);
        IPEndPoint? listen = null;
        if (text.Length > 0 && !EndPointText.TryParse(text, out listen))
        {
            Fail("socks.listen", $"must be empty (no gateway) or HOST:PORT with a numeric loopback address (e.g. 127.0.0.1:1080), got '{text}'");
        }
        else if (listen is not null && !SocksSettings.IsLoopback(listen))
        {
            Fail("socks.listen", $"{SocksSettings.LoopbackOnly}, got '{text}'");
        }

        return new SocksSettings(
            listen,
            ReadInt("socks.max-sessions", 1, MaxQueue),
            ReadDuration("socks.handshake-timeout", TimeSpan.FromMilliseconds(100), MaxTimer),
            ReadDuration("socks.connect-timeout", TimeSpan.FromMilliseconds(100), MaxTimer),
            ReadInt("socks.buffer-size", 1024, 1 << 20));
    }

    private TunnelSettings ReadTunnels()
    {
        var exposed = new List<(Protocol.Tunnels.TunnelProtocol, int)>();
        foreach (var text in ReadStringList("tunnels.expose"))
        {
            if (TunnelSettings.TryParseExposed(text, out var entry))
            {
                exposed.Add(entry);
            }
            else
            {
                Fail("tunnels.expose", $"items must be tcp/PORT or udp/PORT (a port 1..65535 on this node's loopback), got '{text}'");
            }
        }

        var forward = new List<Tunnels.TunnelSpec>();
        foreach (var text in ReadStringList("tunnels.forward"))
        {
            if (Tunnels.TunnelSpec.TryParse(text, out var spec, out var problem))
            {
                forward.Add(spec!);
            }
            else
            {
                Fail("tunnels.forward", problem);
            }
        }

        return new TunnelSettings(exposed, forward, ReadInt("tunnels.max-streams", 1, MaxQueue), ReadDuration("tunnels.idle-timeout", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)));
    }

    private IpPrefix? ReadIpv4Network(string key)
    {
        var text = ReadString(key, allowEmpty: true);
        if (text.Length == 0)
        {
            return null;
        }

        if (!IpPrefix.TryParse(text, out var prefix) || prefix.Family != System.Net.Sockets.AddressFamily.InterNetwork
            || prefix.Length is < MeshActors.Routing.Ipv4.Ipv4Network.MinLength or > MeshActors.Routing.Ipv4.Ipv4Network.MaxLength)
        {
            Fail(key, $"must be an IPv4 prefix of length {MeshActors.Routing.Ipv4.Ipv4Network.MinLength}..{MeshActors.Routing.Ipv4.Ipv4Network.MaxLength} in CIDR notation (e.g. 10.250.0.0/16), got '{text}'");
            return null;
        }

        return prefix;
    }

    private void Fail(string key, string problem) =>
        _errors.Add(new ConfigError(_source.Source, _source.LineOf(_source.ErrorPath(key)), _source.ErrorPath(key), problem));

    private HoconValue? Value(string key) => _source.Merged.GetValue(_source.LookupPath(key));

    /// <summary>A scalar's text, or null (and an error) when the key holds an object, a list or nothing.</summary>
    private string? Scalar(string key)
    {
        var value = Value(key);
        if (value is not null && !value.IsString())
        {
            Fail(key, "must be a single value, not an object or a list");
            return null;
        }

        var text = value?.GetString();
        if (text is null)
        {
            Fail(key, "has no value");
        }

        return text;
    }

    private string ReadString(string key, bool allowEmpty)
    {
        var text = Scalar(key) ?? "";
        if (!allowEmpty && text.Length == 0)
        {
            Fail(key, "must not be empty");
        }

        return text;
    }

    private bool ReadBool(string key)
    {
        switch (Scalar(key)?.ToLowerInvariant())
        {
            case "on" or "true" or "yes":
                return true;
            case "off" or "false" or "no":
                return false;
            case null:
                return false;
            case var other:
                Fail(key, $"must be on/off (or true/false, yes/no), got '{other}'");
                return false;
        }
    }

    private int ReadInt(string key, int min, int max)
    {
        var text = Scalar(key);
        if (text is null)
        {
            return min;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Fail(key, $"must be a whole number, got '{text}'");
            return min;
        }

        if (value < min || value > max)
        {
            Fail(key, $"must be {min}..{max}, got {value}");
        }

        return value;
    }

    private IReadOnlyList<string> ReadStringList(string key)
    {
        var value = Value(key);
        if (value is null || value.IsString() || value.IsObject() || value.IsEmpty)
        {
            Fail(key, "must be a list [ … ]");
            return [];
        }

        if (!value.IsArray())
        {
            return []; // Akka's HOCON reports an empty list "[]" as neither array, object nor string
        }

        var items = new List<string>();
        foreach (var (item, index) in value.GetArray().Select((item, index) => (item, index)))
        {
            if (item.IsObject() || item.IsArray() || item.IsEmpty)
            {
                Fail(key, $"item {index} must be a string");
                continue;
            }

            items.Add(item.GetString());
        }

        return items;
    }

    private Links.LinkTimers ReadLinkTimers()
    {
        var timers = new Links.LinkTimers(
            ReadDuration("links.hello-interval", MinTimer, MaxTimer),
            ReadDuration("links.dead-after", MinTimer, MaxTimer),
            ReadDuration("links.reconnect-min", MinTimer, MaxTimer),
            ReadDuration("links.reconnect-max", MinTimer, TimeSpan.FromHours(1)),
            ReadDuration("links.connect-timeout", MinTimer, MaxTimer),
            ReadDuration("links.trim-after-mass-close", TimeSpan.Zero, TimeSpan.FromHours(1)));
        if (timers.DeadAfter < timers.HelloInterval * 2)
        {
            Fail("links.dead-after", $"must be at least twice links.hello-interval ({timers.HelloInterval.TotalMilliseconds:0} ms), or one lost hello kills a link");
        }

        if (timers.ReconnectMax < timers.ReconnectMin)
        {
            Fail("links.reconnect-max", "must not be shorter than links.reconnect-min");
        }

        return timers;
    }

    /// <summary>The link layer's limits: each range keeps links working (see reference.conf for the reasons).</summary>
    private LinkOptions ReadLinkOptions() => new()
    {
        HandshakeTimeoutMs = (int)ReadDuration("links.handshake-timeout", TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30)).TotalMilliseconds,
        MaxPendingHandshakes = ReadInt("links.max-pending-handshakes", 1, MaxQueue),
        MaxHalfOpen = ReadInt("links.max-half-open", 16, MaxQueue),
        SendRingCapacity = ReadPowerOfTwo("links.send-ring-capacity", 16, MaxQueue),
        ControlInboxCapacity = ReadPowerOfTwo("links.control-inbox-capacity", 16, MaxQueue),
        IoThreads = ReadInt("links.io-threads", 1, 64),
        UdpMaxFrameSize = ReadInt("links.udp-max-frame-size", MinUdpFrameSize, FrameLayout.MaxFrameSize),
        UdpSegments = ReadBool("links.udp-segments"),
        UdpOffload = ReadBool("links.udp-offload"),
        AuditEncryption = ReadBool("dataplane.audit-encryption"),
        SealWholeDataFrames = ReadDataFrameSealing("dataplane.data-frame-sealing"),
    };

    private DataPlaneSettings ReadDataPlane() => new(
        ReadInt("dataplane.buffer-pool-bytes", 1 << 20, 1 << 30),
        ReadInt("dataplane.tun-batch-size", 1, DataPlaneSettings.MaxTunBatchSize),
        ReadPowerOfTwo("dataplane.tun-write-ring-capacity", 16, MaxQueue),
        ReadInt("dataplane.buffer-pool-prewarm-bytes", 0, 1 << 30));

    /// <summary>The pool budget must buy <see cref="DataPlaneSettings.MinPoolBuffers"/> buffers of the MTU's size, or the
    /// pool would silently outgrow it.</summary>
    private void CheckPoolBudget(DataPlaneSettings dataPlane, int mtu)
    {
        var bufferSize = BufferLayout.BufferSizeFor(mtu);
        if (!Failed("dataplane.buffer-pool-bytes", "tun.mtu") && dataPlane.BufferPoolBytes / bufferSize < DataPlaneSettings.MinPoolBuffers)
        {
            Fail("dataplane.buffer-pool-bytes", $"must hold at least {DataPlaneSettings.MinPoolBuffers} buffers of {bufferSize} bytes "
                + $"(tun.mtu {mtu} plus headers and tags), so at least {(long)DataPlaneSettings.MinPoolBuffers * bufferSize}, got {dataPlane.BufferPoolBytes}");
        }
    }

    /// <summary>Routing timers; the ranges keep expiry well above the core's 100 ms deadline resolution, and the rules
    /// between keys keep one lost dump from expiring routes and sources from outliving the routes they protect.</summary>
    private RoutingSettings ReadRouting()
    {
        var hour = TimeSpan.FromHours(1);
        var timers = RoutingSettings.Default.Timers with
        {
            UpdateInterval = ReadDuration("routing.update-interval", TimeSpan.FromSeconds(1), MaxTimer),
            RouteExpiry = ReadDuration("routing.route-expiry", TimeSpan.FromSeconds(2), hour),
            SourceGcTime = ReadDuration("routing.source-gc-time", TimeSpan.FromSeconds(2), hour),
            TriggeredUpdateDelay = ReadDuration("routing.triggered-update-delay", TimeSpan.Zero, TimeSpan.FromSeconds(1)),
            SeqnoRequestRetry = ReadDuration("routing.seqno-request-retry", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)),
            SeqnoRequestRetries = ReadInt("routing.seqno-request-retries", 0, 20),
            SeqnoRequestHold = ReadDuration("routing.seqno-request-hold", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)),
        };
        if (!Failed("routing.route-expiry", "routing.update-interval") && timers.RouteExpiry <= timers.UpdateInterval * 2)
        {
            Fail("routing.route-expiry", $"must be more than twice routing.update-interval ({DurationText.Format(timers.UpdateInterval)}), or one lost dump expires every route");
        }

        if (!Failed("routing.source-gc-time", "routing.route-expiry") && timers.SourceGcTime < timers.RouteExpiry)
        {
            Fail("routing.source-gc-time", $"must not be shorter than routing.route-expiry ({DurationText.Format(timers.RouteExpiry)}), or a stale route through this node could be accepted and loop");
        }

        return RoutingSettings.Default with { Timers = timers, MaxDestinations = ReadInt("routing.max-destinations", 16, 16_777_216) };
    }

    private bool ReadDataFrameSealing(string key)
    {
        var text = Scalar(key);
        if (text is null)
        {
            return false;
        }

        if (!DataFrameSealings.TryParse(text, out var whole))
        {
            Fail(key, $"must be one of {DataFrameSealings.Names}, got '{text}'");
        }

        return whole;
    }

    /// <summary>A ring capacity: the ring rounds up to a power of two, so only powers of two mean what they say.</summary>
    private int ReadPowerOfTwo(string key, int min, int max)
    {
        var value = ReadInt(key, min, max);
        if (value >= min && value <= max && !BitOperations.IsPow2(value))
        {
            Fail(key, $"must be a power of two (the ring would round it up to {BitOperations.RoundUpToPowerOf2((uint)value)}), got {value}");
        }

        return value;
    }

    /// <summary>True when one of <paramref name="keys"/> was already reported: a rule between keys then stays quiet.</summary>
    private bool Failed(params string[] keys) => _errors.Any(e => keys.Any(key => e.Key == _source.ErrorPath(key)));

    private TimeSpan ReadDuration(string key, TimeSpan min, TimeSpan max)
    {
        var text = Scalar(key);
        if (text is null)
        {
            return min;
        }

        if (!DurationText.TryParse(text, out var value))
        {
            Fail(key, $"must be a duration like 500ms, 3s or 2m, got '{text}'");
            return min;
        }

        if (value < min || value > max)
        {
            Fail(key, $"must be {DurationText.Format(min)}..{DurationText.Format(max)}, got {text}");
        }

        return value;
    }

    private IpPrefix ReadOverlayPrefix(string key)
    {
        var text = Scalar(key);
        if (text is null)
        {
            return OverlayAddressing.DefaultPrefix;
        }

        if (!IpPrefix.TryParse(text, out var prefix))
        {
            Fail(key, $"must be an IPv6 prefix in CIDR notation, got '{text}'");
            return OverlayAddressing.DefaultPrefix;
        }

        if (!OverlayAddressing.IsValidOverlayPrefix(prefix, out var problem))
        {
            Fail(key, problem);
        }

        return prefix;
    }

    private IReadOnlyList<PeerUri> ReadUris(string key)
    {
        var uris = new List<PeerUri>();
        foreach (var text in ReadStringList(key))
        {
            if (PeerUriCheck.TryParse(text, out var uri, out var problem))
            {
                uris.Add(uri);
            }
            else
            {
                Fail(key, problem);
            }
        }

        return uris;
    }

    private AdmissionSettings ReadAdmission()
    {
        var modeText = Scalar("admission.mode");
        var mode = AdmissionMode.Open;
        if (modeText is not null && !AdmissionModes.TryParse(modeText, out mode))
        {
            Fail("admission.mode", $"must be one of {AdmissionModes.Names}, got '{modeText}'");
        }

        var keys = new List<PublicIdentity>();
        foreach (var text in ReadStringList("admission.allowed-keys"))
        {
            if (PublicIdentity.TryParse(text, out var identity))
            {
                keys.Add(identity);
            }
            else
            {
                Fail("admission.allowed-keys", $"'{text}' is not a public key (64 hex characters of a valid Ed25519 key)");
            }
        }

        byte[]? networkKey = null;
        var networkKeyText = Scalar("admission.network-key") ?? "";
        if (networkKeyText.Length > 0)
        {
            networkKey = networkKeyText.Length == 64 && networkKeyText.All(char.IsAsciiHexDigit)
                ? Convert.FromHexString(networkKeyText)
                : null;
            if (networkKey is null)
            {
                Fail("admission.network-key", "must be 64 hex characters (32 bytes)");
            }
        }

        var needsKey = mode is AdmissionMode.NetworkKey or AdmissionMode.AllowListAndNetworkKey or AdmissionMode.AllowListOrNetworkKey;
        if (needsKey && networkKey is null && networkKeyText.Length == 0)
        {
            Fail("admission.network-key", $"is required by admission.mode = {AdmissionModes.Name(mode)}");
        }

        var needsList = mode is AdmissionMode.AllowList or AdmissionMode.AllowListAndNetworkKey or AdmissionMode.AllowListOrNetworkKey;
        if (needsList && keys.Count == 0 && !_errors.Any(e => e.Key.EndsWith("allowed-keys", StringComparison.Ordinal)))
        {
            Fail("admission.allowed-keys", $"must list at least one key for admission.mode = {AdmissionModes.Name(mode)}");
        }

        return new AdmissionSettings(mode, keys, networkKey);
    }

    private string ReadTunName(string key)
    {
        var name = Scalar(key) ?? "";
        if (!TunSettings.IsValidName(name, out var problem))
        {
            Fail(key, problem);
        }

        return name;
    }

    private IReadOnlyList<TunAddress> ReadIpv4Addresses(string key)
    {
        var addresses = new List<TunAddress>();
        foreach (var text in ReadStringList(key))
        {
            if (Ipv4Text.TryParseAddress(text, out var address))
            {
                addresses.Add(address);
            }
            else
            {
                Fail(key, $"'{text}' is not an IPv4 address with prefix length (e.g. 10.220.0.1/32)");
            }
        }

        return addresses;
    }

    private IReadOnlyList<IpPrefix> ReadIpv4Prefixes(string key)
    {
        var prefixes = new List<IpPrefix>();
        foreach (var text in ReadStringList(key))
        {
            if (IpPrefix.TryParse(text, out var prefix) && prefix.Family == System.Net.Sockets.AddressFamily.InterNetwork)
            {
                prefixes.Add(prefix);
            }
            else
            {
                Fail(key, $"'{text}' is not an IPv4 prefix in CIDR notation (e.g. 192.168.5.0/24)");
            }
        }

        return prefixes;
    }

    private IPEndPoint ReadEndPoint(string key)
    {
        var fallback = new IPEndPoint(IPAddress.Loopback, 8989);
        var text = Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        if (!EndPointText.TryParse(text, out var endPoint))
        {
            Fail(key, $"must be HOST:PORT with a numeric address (e.g. 127.0.0.1:8989 or [::1]:8989), got '{text}'");
            return fallback;
        }

        return endPoint;
    }

    private LogEventLevel ReadLogLevel(string key)
    {
        var text = Scalar(key);
        if (text is null)
        {
            return LogEventLevel.Information;
        }

        if (!LogLevels.TryParse(text, out var level))
        {
            Fail(key, $"must be one of {LogLevels.Names}, got '{text}'");
        }

        return level;
    }
}
