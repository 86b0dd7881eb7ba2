using System.Text;
using System.Text.RegularExpressions;

namespace MeshActors.Node.Settings;

/// <summary>
/// Checks on raw HOCON text that Akka's parser does not make well: an unclosed '[' makes it loop without end,
/// so brackets are balanced here first; and a map from key path to the line that sets it, so validation errors
/// name a line. Understands quotes, triple quotes and comments; everything else is left to the real parser.
/// </summary>
internal static partial class HoconText
{
    public static ConfigError? FindUnbalancedBracket(string source, string text)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    break;
                case '#':
                case '/' when i + 1 < text.Length && text[i + 1] == '/':
                    i = SkipToLineEnd(text, i) - 1;
                    break;
                case '"':
                    var end = SkipString(text, i, ref line);
                    if (end < 0)
                    {
                        return new ConfigError(source, line, "(syntax)", "string is never closed");
                    }

                    i = end;
                    break;
                case '{' or '[':
                    open.Push((c, line));
                    break;
                case '}' or ']':
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0)
                    {
                        return new ConfigError(source, line, "(syntax)", $"unexpected '{c}'");
                    }

                    if (open.Peek().Bracket != expected)
                    {
                        var (unclosed, at) = open.Peek();
                        return new ConfigError(source, at, "(syntax)", $"'{unclosed}' is never closed (found '{c}' on line {line})");
                    }

                    open.Pop();
                    break;
            }
        }

        if (open.Count > 0)
        {
            var (bracket, at) = open.Peek();
            return new ConfigError(source, at, "(syntax)", $"'{bracket}' is never closed");
        }

        return null;
    }

    /// <summary>Key path (dot-separated, as written, quotes removed) → first line that sets it or opens it.</summary>
    public static IReadOnlyDictionary<string, int> MapKeyLines(string text)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var scope = new Stack<int>(); // number of path segments each open '{' added
        var path = new List<string>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = StripComment(rawLine);
            var match = KeyAtLineStart().Match(line);
            var pushed = 0;
            if (match.Success)
            {
                var segments = match.Groups["key"].Value.Replace("\"", "").Split('.');
                foreach (var segment in segments)
                {
                    path.Add(segment);
                    lines.TryAdd(string.Join('.', path), lineNumber);
                }

                pushed = segments.Length;
            }

            var opens = line.Count(ch => ch == '{');
            var closes = line.Count(ch => ch == '}');
            if (opens > closes)
            {
                scope.Push(pushed);
            }
            else
            {
                path.RemoveRange(path.Count - pushed, pushed);
            }

            for (var i = opens; i < closes && scope.Count > 0; i++)
            {
                var segments = scope.Pop();
                path.RemoveRange(path.Count - segments, segments);
            }
        }

        return lines;
    }

    private static string StripComment(string line)
    {
        var inString = false;
        var result = new StringBuilder(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                inString = !inString;
            }
            else if (!inString && (c == '#' || (c == '/' && i + 1 < line.Length && line[i + 1] == '/')))
            {
                break;
            }

            result.Append(inString && c is '{' or '}' ? ' ' : c);
        }

        return result.ToString();
    }

    private static int SkipToLineEnd(string text, int i)
    {
        var newline = text.IndexOf('\n', i);
        return newline < 0 ? text.Length : newline;
    }

    /// <summary>Returns the index of the closing quote, or -1.</summary>
    private static int SkipString(string text, int start, ref int line)
    {
        if (string.CompareOrdinal(text, start, "\"\"\"", 0, 3) == 0)
        {
            var close = text.IndexOf("\"\"\"", start + 3, StringComparison.Ordinal);
            if (close < 0)
            {
                return -1;
            }

            line += text.AsSpan(start, close - start).Count('\n');
            return close + 2;
        }

        for (var i = start + 1; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++;
                    break;
                case '"':
                    return i;
                case '\n':
                    return -1;
            }
        }

        return -1;
    }

    [GeneratedRegex("""^\s*(?<key>"[^"]+"|[A-Za-z0-9_.-]+)\s*(=|:|\{|\+=)""")]
    private static partial Regex KeyAtLineStart();
}
