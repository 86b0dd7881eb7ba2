using MeshActors.Protocol.Names;

namespace MeshActors.Routing.Ipv4;

/// <summary>
/// Who else holds an IPv4 address, from the two things a node knows: the signed name records (each carries its
/// node's address and whether it was taken automatically) and the route table (other originators of the address's
/// /32). An originator whose record says it moved to another automatic address is a stale route and is ignored;
/// one with no record counts as configured once <see cref="UnannouncedOriginators"/> says it has had none for long.
/// </summary>
public static class Ipv4Conflicts
{
    public static List<Ipv4Claimant> Holders(
        uint address, ReadOnlySpan<byte> self, IReadOnlyCollection<NameRecord> records, IEnumerable<byte[]> routeOriginators,
        UnannouncedOriginators unannounced, long nowMs)
    {
        var holders = new List<Ipv4Claimant>();
        foreach (var record in records)
        {
            if (record.Ipv4 == address && !record.Key.AsSpan().SequenceEqual(self))
            {
                holders.Add(new Ipv4Claimant(record.Key, (record.Flags & NameRecordFlags.Ipv4Auto) != 0));
            }
        }

        var withoutRecord = new List<byte[]>();
        foreach (var originator in routeOriginators)
        {
            var record = records.FirstOrDefault(r => r.Key.AsSpan().SequenceEqual(originator));
            if (record is null)
            {
                withoutRecord.Add(originator);
            }
            else if (record.Ipv4 != address && (record.Flags & NameRecordFlags.Ipv4Auto) == 0)
            {
                holders.Add(new Ipv4Claimant(originator, IsAutomatic: false));
            }
        }

        holders.AddRange(unannounced.Overdue(withoutRecord, nowMs).Select(key => new Ipv4Claimant(key, IsAutomatic: false)));
        return holders;
    }

    /// <summary>Addresses other nodes are known to hold: the records' addresses and the routed /32s.</summary>
    public static HashSet<uint> Taken(ReadOnlySpan<byte> self, IEnumerable<NameRecord> records, IEnumerable<uint> routedAddresses)
    {
        var taken = new HashSet<uint>(routedAddresses);
        foreach (var record in records)
        {
            if (record.Ipv4 != 0 && !record.Key.AsSpan().SequenceEqual(self))
            {
                taken.Add(record.Ipv4);
            }
        }

        return taken;
    }
}
