using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace MikuCloud.Api.Requests;

/// <summary>
/// Every operation's largest body, as endpoint metadata: an operation that needs more than <see cref="DefaultBytes"/>
/// says so with <see cref="WithBodyLimit{TBuilder}"/>; everything else (and every new operation) gets the small default.
/// A declared <c>Content-Length</c> over the limit is refused before a byte is read; a chunked body is cut off by Kestrel
/// as soon as it passes the limit (<see cref="BadRequestBodyHandler"/> turns that into the same 413 problem).
/// </summary>
public static class BodyLimits
{
    /// <summary>The limit of an operation that declares none: room for any of the small JSON bodies (accounts, keys, regenerate).</summary>
    public const long DefaultBytes = 64 * 1024;

    /// <summary>The most bytes a JSON string of <paramref name="characters"/> characters can take: <c>\uXXXX</c> for each, and the quotes.</summary>
    public static long JsonString(long characters) => characters * 6 + 2;

    /// <summary>Declares the largest body this operation accepts.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new BodyLimit(bytes));
    }

    /// <summary>The limit of the operation this request was routed to (<see cref="DefaultBytes"/> when it declares none or none matched).</summary>
    public static long Of(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? DefaultBytes;

    /// <summary>Applies each operation's limit; runs after routing (which <c>WebApplication</c> puts first).</summary>
    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var limit = Of(context);
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }

            if (context.Request.ContentLength > limit)
            {
                // Said before reading anything; the connection closes rather than draining what was announced.
                context.Response.Headers.Connection = "close";
                await TooLarge(limit).ToResult(context).ExecuteAsync(context);
                return;
            }

            await next(context);
        });

    /// <summary>The 413 for a body over <paramref name="limit"/> bytes.</summary>
    public static ApiProblem TooLarge(long limit) =>
        new(413, ProblemCodes.BodyTooLarge, $"The body is larger than this operation accepts ({Describe(limit)}).");

    private static string Describe(long bytes) =>
        bytes >= 1024 * 1024 ? $"{bytes / 1048576.0:0.#} MB" : $"{bytes / 1024.0:0.#} KB";

    /// <summary>The metadata: ASP.NET Core's own interface, so routing and Kestrel read the same number.</summary>
    private sealed record BodyLimit(long Bytes) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => Bytes;
    }
}
