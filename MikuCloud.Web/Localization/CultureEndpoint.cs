using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;

namespace MikuCloud.Web.Localization;

/// <summary><c>GET /culture?c=…&amp;r=…</c>: the language switch stores the choice in the culture cookie and goes back.</summary>
public static class CultureEndpoint
{
    /// <summary>Maps the endpoint; anonymous, as the sign-in pages switch language too.</summary>
    public static IEndpointRouteBuilder MapCultureEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture", Switch).AllowAnonymous();
        return app;
    }

    /// <summary>Remembers culture <paramref name="c"/> (if supported) for a year and returns to local path <paramref name="r"/>.</summary>
    public static RedirectHttpResult Switch(string? c, string? r, HttpContext ctx)
    {
        if (UiCultures.Normalize(c) is { } culture)
        {
            ctx.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = false });
        }

        // Only local paths: an open redirect would turn the language switch into a phishing helper.
        var target = !string.IsNullOrEmpty(r) && r.StartsWith('/') && !r.StartsWith("//", StringComparison.Ordinal) && !r.StartsWith("/\\", StringComparison.Ordinal) ? r : "/";
        return TypedResults.LocalRedirect(target);
    }
}
