using System.CommandLine;
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
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public static Option<string?> NodeOption() => new("--node") { Description = "API of the node to talk to, e.g. http://127.0.0.1:8989 (default: api.address of the config)" };

    public static Option<FileInfo?> ConfigOption() => new("--config", "-c") { Description = "Config file whose api.address names the node" };

    public static Option<bool> JsonOption() => new("--json") { Description = "Print the API's JSON instead of a table" };

    public static Option<string?> TokenOption() => new("--token") { Description = "Bearer token of the node's API (api.token)" };

    public static HttpClient For(ParseResult parsed, Option<string?> node, Option<FileInfo?> config, Option<string?>? token = null)
    {
        var url = parsed.GetValue(node);
        if (url is null)
        {
            var settings = SettingsLoader.Load(parsed.GetValue(config)?.FullName, new SettingsOverrides());
            url = $"http://{settings.ApiAddress}";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new CliFailure($"--node: '{url}' is not an http:// URL", ExitCodes.UsageOrConfig);
        }

        var http = new HttpClient { BaseAddress = baseAddress, Timeout = RequestTimeout };
        if (token is not null && parsed.GetValue(token) is { Length: > 0 } bearer)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return http;
    }

    /// <summary>Sends the request; a refused connection or a problem answer becomes a one-line <see cref="CliFailure"/>.</summary>
    public static async Task<JsonNode?> SendAsync(HttpClient http, HttpMethod method, string path, object? body, CancellationToken cancellationToken)
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
                throw new CliFailure($"{(int)response.StatusCode}: {detail}");
            }

            return json;
        }
    }

    public static string Pretty(JsonNode? json) => json?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "";
}
