using MikuCloud.Web.Api;

namespace MikuCloud.Web.Knowledge;

/// <summary>
/// A knowledge page's image (a scan or a picture a citation opens), streamed through from the API as the signed-in user:
/// the browser's cookie session reaches the Web only, so &lt;img&gt; tags point here (like <see cref="PassThroughEndpoints"/>).
/// </summary>
public static class KnowledgePassThroughEndpoints
{
    /// <summary>Maps <c>GET /knowledge/documents/{id}/pages/{number}/image</c>.</summary>
    public static IEndpointRouteBuilder MapKnowledgePassThroughEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/knowledge/documents/{id:guid}/pages/{number:int}/image", PageImageAsync);
        return app;
    }

    /// <summary>A page image; cached for an hour (a re-index may read the page again, a delete removes it).</summary>
    public static Task PageImageAsync(Guid id, int number, HttpContext ctx, MikuApiClient api) =>
        PassThroughEndpoints.PassThroughAsync(ctx, api, $"/api/knowledge/documents/{id}/pages/{number}/image", contentTypePrefix: "image/",
            cacheControl: "private, max-age=3600");

    /// <summary>The Web address of a page's image.</summary>
    public static string PageImagePath(Guid documentId, int page) => $"knowledge/documents/{documentId}/pages/{page}/image";
}
