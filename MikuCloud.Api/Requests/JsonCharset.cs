using Microsoft.Net.Http.Headers;

namespace MikuCloud.Api.Requests;

/// <summary>
/// JSON comes in UTF-8 (RFC 8259 §8.1) on every operation. ASP.NET Core's body binding would transcode a declared
/// <c>charset=utf-16</c> (or any other) and take it, while the operations that parse their bodies themselves refuse it:
/// one rule for all instead, said before a byte is read.
/// </summary>
internal static class JsonCharset
{
    public static IApplicationBuilder UseUtf8Json(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) && IsJson(type) && type.Charset is { Length: > 0 } charset &&
                !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            {
                var problem = new ApiProblem(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType, $"Send JSON as UTF-8, not {charset.Value}.")
                {
                    Title = "Unsupported media type",
                    CloseConnection = true, // the body is not read
                };
                await problem.ToResult(context).ExecuteAsync(context);
                return;
            }

            await next(context);
        });

    private static bool IsJson(MediaTypeHeaderValue type) =>
        type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
        type.MediaType.Value?.EndsWith("+json", StringComparison.OrdinalIgnoreCase) == true;
}
