using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using MikuCloud.Api.Data;
using static MikuCloud.Api.Conversations.ConversationProblems;

namespace MikuCloud.Api.Conversations;

/// <summary>Stored images over HTTP: the owner's only, cached for good (an image never changes), never sniffed or scripted.</summary>
public static class ImageEndpoints
{
    internal static IEndpointRouteBuilder MapImageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/images/{id:guid}", GetImageAsync)
            .WithTags("Images")
            .WithName("GetImage")
            .WithSummary("A stored image (as processed for the model: upright, metadata stripped, within the pixel budget).")
            .Produces(StatusCodes.Status200OK, typeof(byte[]), "image/jpeg", "image/png")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult>> GetImageAsync(Guid id, HttpContext http, ChatDbContext db, CancellationToken cancellationToken)
    {
        var owner = CurrentOwner.Of(http);
        // Stored images never change, so the id is a strong validator.
        var etag = new EntityTagHeaderValue($"\"{id:N}\"");
        var request = http.Request.GetTypedHeaders();
        if (request.IfNoneMatch.Any(t => t.Compare(etag, useStrongComparison: false) || t.Equals(EntityTagHeaderValue.Any)))
        {
            var found = await db.Images.AsNoTracking().Where(i => i.Id == id && i.OwnerId == owner).Select(i => i.MediaType).FirstOrDefaultAsync(cancellationToken);
            if (found is null)
            {
                throw ImageNotFound(id);
            }

            SetImageHeaders(http, id, found, etag);
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var image = await db.Images.AsNoTracking().Where(i => i.Id == id && i.OwnerId == owner)
            .Select(i => new { i.Data, i.MediaType }).FirstOrDefaultAsync(cancellationToken);
        if (image is null)
        {
            throw ImageNotFound(id);
        }

        var mediaType = SetImageHeaders(http, id, image.MediaType, etag);
        return TypedResults.Bytes(image.Data, mediaType);
    }

    private static string SetImageHeaders(HttpContext http, Guid id, string storedMediaType, EntityTagHeaderValue etag)
    {
        // Only raster types the image pipeline produces are served as images; anything else as opaque bytes.
        var mediaType = storedMediaType is "image/jpeg" or "image/png" or "image/webp" or "image/gif" ? storedMediaType : "application/octet-stream";
        var extension = mediaType switch
        {
            "image/jpeg" => "jpg",
            "image/png" => "png",
            "image/webp" => "webp",
            "image/gif" => "gif",
            _ => "bin",
        };
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentDisposition = $"inline; filename=\"{id:N}.{extension}\"";
        headers.CacheControl = "private, max-age=31536000, immutable";
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        headers.ETag = etag.ToString();
        return mediaType;
    }
}
