using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshActors.Node.Api;

/// <summary><c>GET /api/v1/openapi.json</c>: the hand-written OpenAPI document kept beside the endpoints (Api/openapi.json).</summary>
public static class OpenApiEndpoints
{
    private const string ResourceName = "MeshActors.openapi.json";

    public static IEndpointRouteBuilder MapOpenApiDocument(this IEndpointRouteBuilder routes)
    {
        using var stream = typeof(OpenApiEndpoints).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from the build");
        using var reader = new StreamReader(stream);
        var document = reader.ReadToEnd();
        routes.MapGet("/api/v1/openapi.json", () => Results.Text(document, "application/json"));
        return routes;
    }
}
