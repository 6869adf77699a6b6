using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Localization;
using MikuCloud.Web.Api;
using MikuCloud.Web.Auth;

namespace MikuCloud.Web.Services;

/// <summary>The Web's own services and its few plain-HTTP endpoints (uploads, image and export pass-through, language).</summary>
public static class WebSetup
{
    /// <summary>Header the upload endpoint requires: a cross-site form cannot set it, so no CSRF without antiforgery tokens.</summary>
    public const string UploadHeader = "X-Miku-Upload";

    public static IServiceCollection AddMikuWebServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ImageLimits>(configuration.GetSection(ImageLimits.SectionName));
        services.AddSingleton<UploadStore>();
        services.AddSingleton(sp => MarkdownRenderer.Create(configuration, sp.GetRequiredService<IHostEnvironment>(),
            sp.GetRequiredService<ILogger<MarkdownRenderer>>()));
        services.AddLocalization(options => options.ResourcesPath = UiText.ResourcesPath);
        services.AddSingleton<UiText>();
        return services;
    }

    public static IEndpointRouteBuilder MapMikuWebEndpoints(this IEndpointRouteBuilder app)
    {
        // Raw body, not IFormFile: no multipart parsing or antiforgery form binding needed for one file, and the store
        // streams it to disk with a running size check.
        // Uploads belong to the signed-in user (the fallback policy requires one): another user's id is unknown.
        app.MapPost("/uploads", async (HttpContext ctx, UploadStore store, CurrentUser user) =>
        {
            if (!ctx.Request.Headers.ContainsKey(UploadHeader) || user.UserId is not { } owner)
            {
                return Results.BadRequest();
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
                    UploadStore.SaveResult.Saved => Results.Json(new { id = upload!.Id, mediaType = upload.MediaType, bytes = upload.Bytes }),
                    UploadStore.SaveResult.TooLarge => Results.Json(new { error = "too_large" }, statusCode: StatusCodes.Status413PayloadTooLarge),
                    UploadStore.SaveResult.Unsupported => Results.Json(new { error = "unsupported" }, statusCode: StatusCodes.Status415UnsupportedMediaType),
                    _ => Results.Json(new { error = "store_full" }, statusCode: StatusCodes.Status507InsufficientStorage),
                };
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Results.Json(new { error = "too_large" }, statusCode: StatusCodes.Status413PayloadTooLarge);
            }
        }).DisableAntiforgery();

        app.MapDelete("/uploads/{id:guid}", (Guid id, HttpContext ctx, UploadStore store, CurrentUser user) =>
        {
            if (!ctx.Request.Headers.ContainsKey(UploadHeader) || user.UserId is not { } owner)
            {
                return Results.BadRequest();
            }

            store.Delete(id, owner);
            return Results.NoContent();
        }).DisableAntiforgery();

        // The browser talks to the Web only, so stored images and exports are passed through from the API.
        app.MapGet("/images/{id:guid}", (Guid id, HttpContext ctx, MikuApiClient api) =>
            PassThroughAsync(ctx, api, $"/api/images/{id}", contentTypePrefix: "image/",
                cacheControl: "private, max-age=31536000, immutable")); // an image id's bytes never change

        app.MapGet("/export/{id:guid}", (Guid id, string? format, HttpContext ctx, MikuApiClient api) =>
        {
            var fmt = format == "json" ? "json" : "md";
            return PassThroughAsync(ctx, api, $"/api/conversations/{id}/export?format={fmt}", contentTypePrefix: null,
                cacheControl: "no-store", attachmentName: $"mikucloud-{id:N}.{fmt}");
        });

        app.MapGet("/culture", (string? c, string? r, HttpContext ctx) =>
        {
            if (UiCultures.Normalize(c) is { } culture)
            {
                ctx.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                    new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = false });
            }

            // Only local paths: an open redirect would turn the language switch into a phishing helper.
            var target = !string.IsNullOrEmpty(r) && r.StartsWith('/') && !r.StartsWith("//", StringComparison.Ordinal) && !r.StartsWith("/\\", StringComparison.Ordinal) ? r : "/";
            return Results.LocalRedirect(target);
        }).AllowAnonymous(); // the sign-in pages switch language too
        return app;
    }

    private static async Task PassThroughAsync(HttpContext ctx, MikuApiClient api, string path, string? contentTypePrefix, string cacheControl,
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

    /// <summary>Pages whose answers must never be stored by a browser or a proxy (forms, one-time API keys).</summary>
    private static readonly string[] NoStorePaths = ["/login", "/setup", "/signup", "/account", "/admin", "/forbidden", "/logout"];

    /// <summary>
    /// Content-Security-Policy and friends. The CSP is the last line against script in model output: even if markdown
    /// sanitising ever let a handler through, inline scripts, event-handler attributes and <c>javascript:</c> URLs do not
    /// run under <c>script-src 'self'</c> (no <c>'unsafe-inline'</c>, no <c>'unsafe-eval'</c>). Styles allow inline
    /// attributes (Blazor and the grounding boxes position with them). <c>form-action 'self'</c> holds with OpenID
    /// Connect too: "Sign in with …" is a link, and the provider redirects back with a GET.
    /// </summary>
    public static IApplicationBuilder UseMikuSecurityHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var dev = app.Environment.IsDevelopment();
        var csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; font-src 'self' data:; "
                  + "connect-src 'self'" + (dev ? " ws://localhost:* wss://localhost:* http://localhost:*" : "")
                  + "; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
        return app.Use((ctx, next) =>
        {
            ctx.Response.OnStarting(() =>
            {
                var headers = ctx.Response.Headers;
                headers.ContentSecurityPolicy = csp;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // Clickjacking: frame-ancestors for current browsers, X-Frame-Options for old ones.
                headers.XFrameOptions = "DENY";
                // Nothing here needs the camera, microphone or location (images come from files, not the camera API).
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), midi=(), "
                                                + "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()";
                // No other window keeps a handle on ours (window.opener), and no other site may embed our responses.
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Cross-Origin-Resource-Policy"] = "same-origin";
                if (NoStorePaths.Any(p => ctx.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
                {
                    headers.CacheControl = "no-store";
                    headers.Pragma = "no-cache";
                }

                return Task.CompletedTask;
            });
            return next(ctx);
        });
    }
}
