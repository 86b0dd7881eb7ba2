using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MeshActors.Node.Api;

/// <summary>With <c>api.token</c> set, every request must carry <c>Authorization: Bearer TOKEN</c>; others get 401.</summary>
public static class ApiTokenMiddleware
{
    private const string Scheme = "Bearer ";

    public static IApplicationBuilder UseApiToken(this IApplicationBuilder app, ApiToken token)
    {
        if (!token.IsSet)
        {
            return app;
        }

        return app.Use(async (context, next) =>
        {
            var header = context.Request.Headers.Authorization.ToString();
            if (header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && token.Matches(header[Scheme.Length..].Trim()))
            {
                await next(context);
                return;
            }

            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Results.Problem("missing or wrong bearer token (api.token)", statusCode: StatusCodes.Status401Unauthorized)
                .ExecuteAsync(context);
        });
    }
}
