using System.CommandLine;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MeshActors.Node.Settings;

namespace MeshActors.Cli.Commands;

/// <summary>
/// Talks to a running node's local API for the inspection commands. The node is <c>--node URL</c>, else the
/// <c>api.address</c> of <c>--config</c> (or the default config).
/// </summary>
internal sealed class ApiClient
{
    /// <summary>Longer than the node's own wait for its message bus (30 s), so the node's answer, even a 503, is what
    /// the user sees rather than a client-side timeout that leaves a send's outcome unknown.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(40);

    /// <summary>Connects to the node the options name: <c>--node</c>, else the <c>api.address</c> of <c>--config</c>.</summary>
    public static HttpClient For(ParseResult parsed, ApiOptions options)
    {
        var url = parsed.GetValue(options.Node);
        if (url is null)
        {
            var settings = SettingsLoader.Load(parsed.GetValue(options.Config)?.FullName, new SettingsOverrides());
            url = $"http://{settings.ApiAddress}";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new CliFailure($"--node: '{url}' is not an http:// URL", ExitCodes.UsageOrConfig);
        }

        var http = new HttpClient { BaseAddress = baseAddress, Timeout = RequestTimeout };
        if (parsed.GetValue(options.Token) is { Length: > 0 } bearer)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return http;
    }

    /// <summary>
    /// Sends the request; a refused connection or a problem answer becomes a one-line <see cref="CliFailure"/>. When
    /// the node refuses the request as malformed (400, 413), the failure names <paramref name="input"/> (what the user
    /// typed) and exits <see cref="ExitCodes.UsageOrConfig"/>, like any other bad command line.
    /// </summary>
    public static async Task<JsonNode?> SendAsync(HttpClient http, HttpMethod method, string path, object? body, CancellationToken cancellationToken, string? input = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CliFailure($"cannot reach the node at {http.BaseAddress}: {e.Message} (is it running? see --node)");
        }
        catch (TaskCanceledException)
        {
            throw new CliFailure($"the node at {http.BaseAddress} did not answer within {RequestTimeout.TotalSeconds:0} s");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var json = text.Length == 0 ? null : JsonNode.Parse(text);
            if (!response.IsSuccessStatusCode)
            {
                var detail = json?["detail"]?.GetValue<string>() ?? json?["title"]?.GetValue<string>() ?? response.ReasonPhrase;
                if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge)
                {
                    throw new CliFailure(input is null ? $"the node refused the request: {detail}" : $"{input}: {detail}", ExitCodes.UsageOrConfig);
                }

                throw new CliFailure($"{(int)response.StatusCode}: {detail}");
            }

            return json;
        }
    }

    public static string Pretty(JsonNode? json) => json?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "";
}
