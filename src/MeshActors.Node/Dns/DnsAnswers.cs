using System.Globalization;
using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using MeshActors.Node.Names;

namespace MeshActors.Node.Dns;

/// <summary>
/// Answers one DNS query from a <see cref="NameDirectory"/> (the message codec is ARSoft.Tools.Net's):
/// <c>NAME.DOMAIN.</c> AAAA → the owner's overlay address, A → its announced IPv4 address; PTR for the
/// <c>ip6.arpa</c> / <c>in-addr.arpa</c> name of an owner's address → <c>NAME.DOMAIN.</c>. A name nobody owns gets
/// NXDOMAIN; an owned name without that record type an empty NOERROR answer; anything outside the domain and the
/// reverse zones REFUSED. Stateless and thread-safe.
/// </summary>
public sealed class DnsAnswers(string domain, TimeSpan ttl)
{
    private readonly DomainName _domain = DomainName.Parse(domain);
    private readonly int _ttl = (int)ttl.TotalSeconds;

    public DnsMessage Answer(DnsMessage query, NameDirectory directory)
    {
        var response = query.CreateResponseInstance();
        response.IsRecursionAllowed = false;
        if (query.Questions.Count != 1)
        {
            response.ReturnCode = ReturnCode.FormatError;
            return response;
        }

        var question = query.Questions[0];
        var name = question.Name;
        if (name.LabelCount == _domain.LabelCount + 1 && name.IsSubDomainOf(_domain))
        {
            AnswerName(response, question, directory);
        }
        else if (ReverseAddress(name) is { } address)
        {
            AnswerPointer(response, question, directory, address);
        }
        else if (name.Equals(_domain, ignoreCase: true))
        {
            response.IsAuthoritiveAnswer = true;
        }
        else
        {
            response.ReturnCode = ReturnCode.Refused;
        }

        return response;
    }

    private void AnswerName(DnsMessage response, DnsQuestion question, NameDirectory directory)
    {
        response.IsAuthoritiveAnswer = true;
        if (directory.Resolve(question.Name.Labels[0].ToLowerInvariant()) is not { } entry)
        {
            response.ReturnCode = ReturnCode.NxDomain;
            return;
        }

        var any = question.RecordType == RecordType.Any;
        if ((any || question.RecordType == RecordType.Aaaa) && entry.Ipv6 is { } ipv6)
        {
            response.AnswerRecords.Add(new AaaaRecord(question.Name, _ttl, ipv6));
        }

        if ((any || question.RecordType == RecordType.A) && entry.Ipv4 is { } ipv4)
        {
            response.AnswerRecords.Add(new ARecord(question.Name, _ttl, ipv4));
        }
    }

    private void AnswerPointer(DnsMessage response, DnsQuestion question, NameDirectory directory, IPAddress address)
    {
        response.IsAuthoritiveAnswer = true;
        if (directory.NameOf(address) is not { } owned)
        {
            response.ReturnCode = ReturnCode.NxDomain;
            return;
        }

        if (question.RecordType is RecordType.Ptr or RecordType.Any)
        {
            response.AnswerRecords.Add(new PtrRecord(question.Name, _ttl, DomainName.Parse(owned) + _domain));
        }
    }

    /// <summary>The address a full reverse name stands for (32 nibbles under ip6.arpa, 4 octets under in-addr.arpa), or null.</summary>
    internal static IPAddress? ReverseAddress(DomainName name)
    {
        var labels = name.Labels;
        if (labels.Length == 34 && Is(labels, "ip6", "arpa"))
        {
            var hex = new char[32];
            for (var i = 0; i < 32; i++)
            {
                if (labels[i].Length != 1 || !char.IsAsciiHexDigit(labels[i][0]))
                {
                    return null;
                }

                hex[31 - i] = labels[i][0];
            }

            return new IPAddress(Convert.FromHexString(hex));
        }

        if (labels.Length == 6 && Is(labels, "in-addr", "arpa"))
        {
            var bytes = new byte[4];
            for (var i = 0; i < 4; i++)
            {
                if (!byte.TryParse(labels[i], NumberStyles.None, CultureInfo.InvariantCulture, out bytes[3 - i]))
                {
                    return null;
                }
            }

            return new IPAddress(bytes);
        }

        return null;
    }

    private static bool Is(string[] labels, string second, string last) =>
        labels[^2].Equals(second, StringComparison.OrdinalIgnoreCase) && labels[^1].Equals(last, StringComparison.OrdinalIgnoreCase);
}
