namespace MeshActors.Protocol.Names;

/// <summary>
/// What a mesh name may be: one DNS label (RFC 1035 §2.3.1, digits allowed first as RFC 1123 does) in lower case,
/// 1..63 characters of a–z, 0–9 and '-', neither starting nor ending with '-'. Lower case only, so two spellings
/// never name one node differently on the wire.
/// </summary>
public static class NameSyntax
{
    public const int MaxLength = 63;

    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > MaxLength || name[0] == '-' || name[^1] == '-')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
