using System.Globalization;
using System.Text.Json.Nodes;

namespace MeshActors.Cli.Commands;

/// <summary>Link loss as every table shows it: a percentage with one decimal (the API gives a fraction 0..1).</summary>
internal static class Loss
{
    public static string Format(JsonNode? fraction) =>
        fraction is null ? "-" : (fraction.GetValue<double>() * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}
