using System.Text.RegularExpressions;
using Hyperion;

namespace MeshActors.Node.State;

/// <summary>
/// Hyperion type filter admitting exactly the listed types. Hyperion asks with the full assembly-qualified name when
/// writing and with a name stripped of version, culture and key token when reading; both compare equal here, and
/// every other name (another type, another assembly) is refused.
/// </summary>
internal sealed partial class AllowListTypeFilter(IEnumerable<Type> allowed) : ITypeFilter
{
    private readonly HashSet<string> _names = [.. allowed.Select(type => $"{type.FullName}, {type.Assembly.GetName().Name}")];

    public bool IsAllowed(string typeName) => _names.Contains(AssemblyDetails().Replace(typeName, string.Empty));

    [GeneratedRegex(@", (Version|Culture|PublicKeyToken)=[^,\]]*")]
    private static partial Regex AssemblyDetails();
}
