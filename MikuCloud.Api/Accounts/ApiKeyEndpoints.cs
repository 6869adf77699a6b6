using Microsoft.AspNetCore.Http.HttpResults;
using MikuCloud.Api.Conversations;

namespace MikuCloud.Api.Accounts;

/// <summary>The caller's personal API keys over HTTP (session only: a key cannot mint keys). Rules live in <see cref="ApiKeyService"/>.</summary>
public static class ApiKeyEndpoints
{
    internal static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/keys").WithTags("API keys").RequireAuthorization(AuthPolicies.Session);
        keys.MapGet("", ListKeysAsync)
            .WithSummary("Your personal API keys (never the keys themselves).");
        keys.MapPost("", CreateKeyAsync)
            .WithSummary("Create a personal API key for scripts, optionally expiring after expiresInDays. The key is in this answer only; " +
                         "send it as 'Authorization: Bearer mkc_…'.");
        keys.MapDelete("/{id:guid}", RevokeKeyAsync)
            .WithSummary("Revoke one of your API keys; it stops working at once.");
        return app;
    }

    private static async Task<Ok<List<ApiKeyDto>>> ListKeysAsync(HttpContext http, ApiKeyService keys, CancellationToken ct) =>
        TypedResults.Ok(await keys.ListAsync(CurrentOwner.Of(http), ct));

    private static async Task<Created<CreatedApiKey>> CreateKeyAsync(CreateApiKeyRequest request, HttpContext http, ApiKeyService keys, CancellationToken ct)
    {
        var created = await keys.CreateAsync(CurrentOwner.Of(http), request, ct);
        return TypedResults.Created($"/api/keys/{created.Id}", created);
    }

    private static async Task<NoContent> RevokeKeyAsync(Guid id, HttpContext http, ApiKeyService keys, CancellationToken ct)
    {
        await keys.RevokeAsync(CurrentOwner.Of(http), id, ct);
        return TypedResults.NoContent();
    }
}
