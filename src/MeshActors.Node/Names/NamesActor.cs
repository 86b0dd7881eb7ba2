using Akka.Actor;
using Akka.Event;
using MeshActors.Crypto;
using MeshActors.Crypto.Names;
using MeshActors.DataPlane.Links;
using MeshActors.Node.Links;
using MeshActors.Node.Settings;
using MeshActors.Protocol;
using MeshActors.Protocol.Frames;
using MeshActors.Protocol.Names;
using MeshActors.Protocol.Routing;
using MeshActors.Routing.Ipv4;
using MeshActors.Routing.Names;

namespace MeshActors.Node.Names;

/// <summary>
/// Announces this node's signed name record and keeps the mesh's records: floods every record it accepts to all
/// neighbours but the sender, hands all live records to a neighbour whose link comes up, re-signs its own every
/// <c>names.refresh-interval</c>, ages others out, and publishes a <see cref="NameDirectory"/> after each change.
/// The checks and ownership rules live in <see cref="NameRegistry"/>; this actor turns frames and timers into calls.
/// </summary>
public sealed class NamesActor : ReceiveActor, IWithTimers
{
    public const string Name = "names";

    /// <summary>How often expired records are looked for: a second is finer than any lifetime worth configuring.</summary>
    private static readonly TimeSpan ExpiryCheck = TimeSpan.FromSeconds(1);

    private readonly NodeIdentity _identity;
    private readonly NameSettings _settings;
    private readonly IpPrefix _overlayPrefix;
    private readonly NameDirectoryHolder _directory;
    private readonly NameRegistry _registry;
    private readonly string _ownName;
    private readonly string _nameStatus;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<PublicIdentity, Link> _links = [];
    private readonly RoutePrefix[] _exitPrefixes;
    private readonly Action<IReadOnlyList<NameRecord>>? _published;
    private uint _ipv4;
    private bool _ipv4Automatic;
    private OwnEndpointsChanged _endpoints = new([], false);
    private long _claimedAtMs;
    private long _lastIssuedMs;
    private long _malformed;
    private bool? _ownedLastTime;

    /// <param name="exitPrefixes">Prefixes this node serves as an exit, announced in its record.</param>
    /// <param name="published">Told every live record after each change (the forwarder's exit table is built from them).</param>
    public NamesActor(
        NodeIdentity identity, string nodeName, uint ipv4, bool ipv4Automatic, NameSettings settings, IpPrefix overlayPrefix, NameDirectoryHolder directory,
        RoutePrefix[] exitPrefixes, Action<IReadOnlyList<NameRecord>>? published)
    {
        _exitPrefixes = exitPrefixes;
        _published = published;
        _identity = identity;
        _settings = settings;
        _overlayPrefix = overlayPrefix;
        _directory = directory;
        _ipv4 = ipv4;
        _ipv4Automatic = ipv4Automatic;
        var lower = nodeName.ToLowerInvariant();
        (_ownName, _nameStatus) = nodeName.Length == 0 ? ("", "none") : NameSyntax.IsValid(lower) ? (lower, "") : ("", "invalid");
        _registry = new NameRegistry(NameRecordSigner.Verify, new NameRegistrySettings(settings.MaxRecords, settings.MaxClockSkew), NowMs);
        Receive<LinkUp>(OnLinkUp);
        Receive<LinkDown>(down =>
        {
            if (_links.TryGetValue(down.Peer, out var link) && link == down.Link)
            {
                _links.Remove(down.Peer);
            }
        });
        Receive<ControlReceived>(OnControl);
        Receive<OwnIpv4Changed>(changed =>
        {
            (_ipv4, _ipv4Automatic) = (changed.Address, changed.IsAutomatic);
            Announce();
        });
        Receive<OwnEndpointsChanged>(changed =>
        {
            if (changed.Relay != _endpoints.Relay || !changed.Endpoints.SequenceEqual(_endpoints.Endpoints))
            {
                _endpoints = changed;
                Announce();
            }
        });
        Receive<Refresh>(_ => Announce());
        Receive<Expire>(_ => OnExpire());
        Receive<GetNames>(_ => Sender.Tell(Describe()));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        NodeIdentity identity, string nodeName, uint ipv4, bool ipv4Automatic, NameSettings settings, IpPrefix overlayPrefix, NameDirectoryHolder directory,
        RoutePrefix[]? exitPrefixes = null, Action<IReadOnlyList<NameRecord>>? published = null)
    {
        var exits = exitPrefixes ?? [];
        return Akka.Actor.Props.Create(() => new NamesActor(identity, nodeName, ipv4, ipv4Automatic, settings, overlayPrefix, directory, exits, published));
    }

    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    protected override void PreStart()
    {
        if (_nameStatus == "invalid")
        {
            _log.Warning("node-name is not announced: the mesh needs a DNS label (a-z, 0-9, '-', 1..63 characters)");
        }

        Timers.StartPeriodicTimer("refresh", Refresh.Instance, _settings.RefreshInterval);
        Timers.StartPeriodicTimer("expire", Expire.Instance, ExpiryCheck);
        Announce();
    }

    private void OnLinkUp(LinkUp up)
    {
        _links[up.Peer] = up.Link;
        foreach (var claim in _registry.Claims())
        {
            up.Link.SendControl(FrameType.Control, NameRecordCodec.Encode(claim.Record));
        }
    }

    private void OnControl(ControlReceived control)
    {
        try
        {
            Take(control);
        }
        finally
        {
            control.Credit.Done();
        }
    }

    private void Take(ControlReceived control)
    {
        if (control.Payload.Length == 0 || control.Payload[0] != ControlKinds.NameRecord)
        {
            return;
        }

        // Control frames come only over live, authenticated links: one whose LinkUp this actor missed (it
        // restarted after the link came up) is learnt here and handed every record, as LinkUp would have done.
        if (!_links.ContainsKey(control.Peer))
        {
            OnLinkUp(new LinkUp(control.Peer, control.Link, TimeSpan.Zero));
        }

        if (NameRecordCodec.TryDecode(control.Payload, out var record) != NameDecodeError.None)
        {
            _malformed++;
            _log.Debug("dropped a malformed name record from {0}", control.Peer);
            return;
        }

        if (record!.Key.AsSpan().SequenceEqual(_identity.Public.Bytes) && NameRecordSigner.Verify(record))
        {
            // Our own record from before a restart, handed back by a neighbour (the registry refuses it as a replay).
            AdoptOwnHistory(record);
        }

        var outcome = _registry.Offer(record, NowMs);
        if (outcome != NameOutcome.Accepted)
        {
            if (outcome is NameOutcome.Forged or NameOutcome.Replayed)
            {
                _log.Debug("dropped a {0} name record for '{1}' from {2}", outcome, record.Name, control.Peer);
            }

            return;
        }

        Flood(control.Payload, except: control.Peer);
        Publish();
    }

    /// <summary>A record of our own key from before a restart: keep its claim time (a restarted owner keeps its place
    /// in line everywhere, also with nodes that never saw the old record) and sign only newer records.</summary>
    private void AdoptOwnHistory(NameRecord record)
    {
        _lastIssuedMs = Math.Max(_lastIssuedMs, record.IssuedAtMs);
        if (record.Name == _ownName && record.ClaimedAtMs < _claimedAtMs)
        {
            _claimedAtMs = record.ClaimedAtMs;
        }
    }

    private void Announce()
    {
        var now = NowMs;
        _lastIssuedMs = Math.Max(now, _lastIssuedMs + 1);
        if (_ownName.Length > 0 && _claimedAtMs == 0)
        {
            _claimedAtMs = _lastIssuedMs;
        }

        var record = NameRecordSigner.Sign(
            _identity, _ownName, _lastIssuedMs, _ownName.Length > 0 ? _claimedAtMs : 0, (uint)_settings.RecordLifetime.TotalSeconds,
            (_ipv4Automatic ? NameRecordFlags.Ipv4Auto : NameRecordFlags.None) | (_endpoints.Relay ? NameRecordFlags.Relay : NameRecordFlags.None),
            _ipv4, _exitPrefixes, _endpoints.Endpoints);
        _registry.Offer(record, now);
        Flood(NameRecordCodec.Encode(record), except: null);
        Publish();
    }

    private void OnExpire()
    {
        if (_registry.Expire(NowMs).Count > 0)
        {
            Publish();
        }
    }

    private void Flood(byte[] payload, PublicIdentity? except)
    {
        foreach (var (peer, link) in _links)
        {
            if (!except.HasValue || !peer.Equals(except.Value))
            {
                link.SendControl(FrameType.Control, payload);
            }
        }
    }

    private void Publish()
    {
        var directory = NameDirectory.Build(_registry.Claims(), _overlayPrefix);
        _directory.Current = directory;
        _published?.Invoke(directory.Records);
        if (_ownName.Length == 0)
        {
            return;
        }

        var own = _registry.ClaimOf(_identity.Public.Bytes);
        var owned = own?.IsOwner ?? false;
        if (owned != _ownedLastTime)
        {
            _ownedLastTime = owned;
            if (owned)
            {
                _log.Info("name '{0}' is ours in the mesh", _ownName);
            }
            else
            {
                var owner = _registry.OwnerOf(_ownName);
                _log.Warning("name '{0}' is refused: key {1} claimed it first", _ownName, owner is null ? "?" : Convert.ToHexStringLower(owner.Record.Key));
            }
        }
    }

    private NameList Describe()
    {
        var ownerKey = _ownName.Length > 0 ? _registry.OwnerOf(_ownName) : null;
        var self = new OwnName(
            _ownName,
            _nameStatus.Length > 0 ? _nameStatus : ownerKey is not null && ownerKey.Record.Key.AsSpan().SequenceEqual(_identity.Public.Bytes) ? "owner" : "refused",
            ownerKey is null ? null : Convert.ToHexStringLower(ownerKey.Record.Key),
            _ipv4 == 0 ? null : Ipv4Network.ToAddress(_ipv4).ToString());
        var names = _registry.Claims()
            .OrderBy(c => c.Record.Name, StringComparer.Ordinal).ThenBy(c => c.ClaimedAtMs)
            .Select(c => new NameInfo(
                c.Record.Name,
                Convert.ToHexStringLower(c.Record.Key),
                PublicIdentity.TryFromBytes(c.Record.Key, out var identity) ? OverlayAddressing.DeriveAddress(identity, _overlayPrefix).ToString() : "",
                c.Record.Ipv4 == 0 ? null : Ipv4Network.ToAddress(c.Record.Ipv4).ToString(),
                c.IsOwner,
                Iso(c.ClaimedAtMs),
                Iso(c.Record.ExpiresAtMs),
                [.. c.Record.PublicEndpoints.Select(endPoint => endPoint.ToString())],
                c.Record.IsRelay))
            .ToList();
        var counters = _registry.Counts.ToDictionary(pair => pair.Key.ToString().ToLowerInvariant(), pair => pair.Value);
        counters["malformed"] = _malformed;
        return new NameList(self, names, counters);
    }

    private static string Iso(long unixMs) => unixMs == 0 ? "" : DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("O");

    private sealed class Refresh
    {
        public static readonly Refresh Instance = new();
    }

    private sealed class Expire
    {
        public static readonly Expire Instance = new();
    }
}
