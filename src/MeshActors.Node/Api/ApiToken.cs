using System.Net;
using System.Security.Cryptography;
using System.Text;
using MeshActors.Node.Hosting;

namespace MeshActors.Node.Api;

/// <summary>
/// The API's bearer token (<c>api.token</c>). A secret: <see cref="ToString"/> never prints it, and comparison takes
/// the same time whatever the guess.
/// </summary>
public sealed record ApiToken(string Value)
{
    public const string Key = "meshactors.api.token";

    public static readonly ApiToken None = new("");

    public bool IsSet => Value.Length > 0;

    public bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(Value));

    /// <summary>Refuses an API reachable from other hosts without a token: anyone reaching it could drive the node.</summary>
    public static void RequireForNonLoopback(IPEndPoint address, ApiToken token)
    {
        if (!IPAddress.IsLoopback(address.Address) && !token.IsSet)
        {
            throw new NodeStartException(
                $"api.address {address} is not a loopback address and {Key} is empty: set a token, or bind the API to 127.0.0.1 / [::1]");
        }
    }

    public override string ToString() => IsSet ? "ApiToken { set, redacted }" : "ApiToken { none }";
}
