using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace MikuCloud.Web.Localization;

/// <summary>
/// UI languages: Simplified Chinese first, English. The culture comes from the <c>.AspNetCore.Culture</c> cookie
/// (set by the language switch, so a choice is remembered), else the browser's Accept-Language, else zh-CN.
/// A Blazor Server circuit keeps the culture of the request that started it, so switching reloads the page.
/// </summary>
public static class UiCultures
{
    public const string Chinese = "zh-CN";
    public const string English = "en";

    public static readonly string[] All = [Chinese, "zh", English];

    public static RequestLocalizationOptions Options()
    {
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Chinese),
            SupportedCultures = All.Select(CultureInfo.GetCultureInfo).ToList(),
            SupportedUICultures = All.Select(CultureInfo.GetCultureInfo).ToList(),
            FallBackToParentCultures = true,
            FallBackToParentUICultures = true,
        };
        // Cookie first (an explicit choice), then the browser; no query-string provider (links should not switch language).
        options.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        return options;
    }

    /// <summary>The supported culture a switch request asks for, or null.</summary>
    public static string? Normalize(string? culture) => culture?.ToLowerInvariant() switch
    {
        "zh" or "zh-cn" or "zh-hans" => Chinese,
        "en" or "en-us" or "en-gb" => English,
        _ => null,
    };
}
