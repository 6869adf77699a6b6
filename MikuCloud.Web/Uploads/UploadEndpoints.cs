using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using MikuCloud.Web.Auth;

namespace MikuCloud.Web.Uploads;

/// <summary>
/// <c>POST /uploads</c> and <c>DELETE /uploads/{id}</c>: the composer's pictures, uploaded over plain HTTP by miku.js
/// before the message is sent, so the circuit only ever carries their ids.
/// </summary>
public static class UploadEndpoints
{
    /// <summary>Header the upload endpoints require: a cross-site form cannot set it, so no CSRF without antiforgery tokens.</summary>
    public const string UploadHeader = "X-Miku-Upload";

    /// <summary>Maps both endpoints. Uploads belong to the signed-in user (the fallback policy requires one).</summary>
    public static IEndpointRouteBuilder MapUploadEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/uploads", UploadAsync).DisableAntiforgery();
        app.MapDelete("/uploads/{id:guid}", Delete).DisableAntiforgery();
        return app;
    }

    /// <summary>
    /// Raw body, not IFormFile: no multipart parsing or antiforgery form binding needed for one file, and the store
    /// streams it to disk with a running size check. Answers the upload's id, or why it was refused.
    /// </summary>
    public static async Task<Results<JsonHttpResult<UploadedDto>, JsonHttpResult<UploadRefusedDto>, BadRequest>> UploadAsync(
        HttpContext ctx, UploadStore store, CurrentUser user)
    {
        if (!ctx.Request.Headers.ContainsKey(UploadHeader) || user.UserId is not { } owner)
        {
            return TypedResults.BadRequest();
        }

        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = store.Limits.MaxBytes + 1;
        }

        try
        {
            var (result, upload) = await store.SaveAsync(ctx.Request.Body, ctx.Request.ContentLength, owner, ctx.RequestAborted);
            return result switch
            {
                UploadStore.SaveResult.Saved => TypedResults.Json(new UploadedDto(upload!.Id, upload.MediaType, upload.Bytes)),
                UploadStore.SaveResult.TooLarge => Refused("too_large", StatusCodes.Status413PayloadTooLarge),
                UploadStore.SaveResult.Unsupported => Refused("unsupported", StatusCodes.Status415UnsupportedMediaType),
                _ => Refused("store_full", StatusCodes.Status507InsufficientStorage),
            };
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Refused("too_large", StatusCodes.Status413PayloadTooLarge);
        }
    }

    /// <summary>The user removed a picture before sending: free it now rather than at expiry.</summary>
    public static Results<NoContent, BadRequest> Delete(Guid id, HttpContext ctx, UploadStore store, CurrentUser user)
    {
        if (!ctx.Request.Headers.ContainsKey(UploadHeader) || user.UserId is not { } owner)
        {
            return TypedResults.BadRequest();
        }

        store.Delete(id, owner);
        return TypedResults.NoContent();
    }

    private static JsonHttpResult<UploadRefusedDto> Refused(string error, int status) => TypedResults.Json(new UploadRefusedDto(error), statusCode: status);
}

/// <summary>An upload the store kept: miku.js hands its id to the composer.</summary>
public sealed record UploadedDto(Guid Id, string MediaType, long Bytes);

/// <summary>Why the store refused an upload (<c>too_large</c>, <c>unsupported</c>, <c>store_full</c>); miku.js words it.</summary>
public sealed record UploadRefusedDto(string Error);
