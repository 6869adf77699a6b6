namespace MikuCloud.Web.Api;

/// <summary>
/// <c>GET /images/{id}</c> and <c>GET /export/{id}</c>: the browser talks to the Web only, so stored images and
/// exports are streamed through from the API, as the signed-in user.
/// </summary>
public static class PassThroughEndpoints
{
    /// <summary>Maps both endpoints.</summary>
    public static IEndpointRouteBuilder MapPassThroughEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/images/{id:guid}", ImageAsync);
        app.MapGet("/export/{id:guid}", ExportAsync);
        return app;
    }

    /// <summary>A stored image; cached for a year, as an image id's bytes never change.</summary>
    public static Task ImageAsync(Guid id, HttpContext ctx, MikuApiClient api) =>
        PassThroughAsync(ctx, api, $"/api/images/{id}", contentTypePrefix: "image/", cacheControl: "private, max-age=31536000, immutable");

    /// <summary>A conversation as markdown (default) or JSON, as a download.</summary>
    public static Task ExportAsync(Guid id, string? format, HttpContext ctx, MikuApiClient api)
    {
        var fmt = format == "json" ? "json" : "md";
        return PassThroughAsync(ctx, api, $"/api/conversations/{id}/export?format={fmt}", contentTypePrefix: null,
            cacheControl: "no-store", attachmentName: $"mikucloud-{id:N}.{fmt}");
    }

    // Streams instead of returning an IResult: the body is copied as it arrives, never held in memory.
    internal static async Task PassThroughAsync(HttpContext ctx, MikuApiClient api, string path, string? contentTypePrefix, string cacheControl,
        string? attachmentName = null)
    {
        HttpResponseMessage response;
        try
        {
            response = await api.GetRawAsync(path, ctx.RequestAborted);
        }
        catch (HttpRequestException)
        {
            ctx.Response.StatusCode = StatusCodes.Status502BadGateway;
            return;
        }

        using (response)
        {
            var type = response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
            if (!response.IsSuccessStatusCode || (contentTypePrefix is not null && !type.StartsWith(contentTypePrefix, StringComparison.OrdinalIgnoreCase)))
            {
                ctx.Response.StatusCode = response.IsSuccessStatusCode ? StatusCodes.Status502BadGateway : (int)response.StatusCode;
                return;
            }

            ctx.Response.StatusCode = StatusCodes.Status200OK;
            ctx.Response.ContentType = type;
            ctx.Response.ContentLength = response.Content.Headers.ContentLength;
            ctx.Response.Headers.CacheControl = cacheControl;
            if (attachmentName is not null)
            {
                ctx.Response.Headers.ContentDisposition = response.Content.Headers.ContentDisposition?.ToString() ?? $"attachment; filename=\"{attachmentName}\"";
            }

            await using var body = await response.Content.ReadAsStreamAsync(ctx.RequestAborted);
            await body.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
        }
    }
}
