using System.Collections;
using System.Globalization;
using System.Resources;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MikuCloud.Web.Localization;

/// <summary>
/// The UI's words, read through <see cref="IStringLocalizer{T}"/> from <c>Resources/Localization/UiText.resx</c> (Simplified
/// Chinese, the neutral resources) and <c>UiText.en.resx</c> (English). A thin facade so call sites keep their short
/// shape (<c>T["key"]</c>, <c>T.Format(...)</c>). The language is the circuit's <see cref="CultureInfo.CurrentUICulture"/>
/// (see <see cref="UiCultures"/>); anything that is not English falls back to the neutral resources, i.e. Chinese,
/// because MikuCloud is zh-CN first. A third language is one more .resx file.
/// </summary>
public sealed class UiText(IStringLocalizer<UiText> localizer)
{
    /// <summary>Folder of the .resx files, relative to the project (<see cref="LocalizationOptions.ResourcesPath"/>).</summary>
    public const string ResourcesPath = "Resources";

    // For the few static callers (Markdown rendering, settings validation) that run outside DI; the same resources
    // and the same lookup as the injected localizer.
    private static readonly IStringLocalizer Shared = new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions { ResourcesPath = ResourcesPath }), NullLoggerFactory.Instance).Create(typeof(UiText));

    /// <summary>True unless the UI culture is English.</summary>
    public static bool IsChinese => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName != "en";

    /// <summary>The culture name for <c>&lt;html lang&gt;</c>.</summary>
    public static string HtmlLang => IsChinese ? "zh-CN" : "en";

    /// <summary>Every key of the neutral (Chinese) resources, for the completeness tests.</summary>
    public static IReadOnlyCollection<string> Keys =>
        [.. new ResourceManager($"{typeof(UiText).Assembly.GetName().Name}.{ResourcesPath}.Localization.{nameof(UiText)}", typeof(UiText).Assembly)
            .GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false)!
            .Cast<DictionaryEntry>().Select(e => (string)e.Key)];

    /// <summary>The text for <paramref name="key"/> in the current UI language; the key itself when it is unknown.</summary>
    public string this[string key] => localizer[key];

    /// <summary>The text for <paramref name="key"/> for callers without DI; the key itself when it is unknown.</summary>
    public static string Get(string key) => Shared[key];

    /// <summary>The text for <paramref name="key"/> with <c>{0}</c>-style placeholders filled in the current culture.</summary>
    public string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentCulture, localizer[key], args);

    /// <summary>A wait (Retry-After) in words: "45 秒", "3 min".</summary>
    public string Wait(TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return seconds < 120 ? Format("auth.wait.seconds", seconds) : Format("auth.wait.minutes", (int)Math.Ceiling(seconds / 60.0));
    }

    /// <summary>Picks the right entry of an API dictionary keyed <c>zh</c>/<c>en</c> (preset titles, descriptions).</summary>
    public static string Pick(IReadOnlyDictionary<string, string>? values, string fallback)
    {
        if (values is null || values.Count == 0)
        {
            return fallback;
        }

        var lang = IsChinese ? "zh" : "en";
        return values.TryGetValue(lang, out var v) ? v : values.TryGetValue(IsChinese ? "en" : "zh", out v) ? v : values.Values.First();
    }
}
