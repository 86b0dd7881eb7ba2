namespace MeshActors.Cli.Commands;

/// <summary>Plain-text table: columns padded to their widest cell, two spaces apart.</summary>
internal static class Table
{
    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        var widths = headers.Select((_, column) => all.Max(row => row[column].Length)).ToArray();
        return string.Join(Environment.NewLine, all.Select(row =>
            string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd()));
    }
}
