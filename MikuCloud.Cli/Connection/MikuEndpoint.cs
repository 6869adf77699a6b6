namespace MikuCloud.Cli.Connection;

/// <summary>Where the API is and the key to show it: flags first, then <c>MIKU_URL</c>/<c>MIKU_KEY</c>.</summary>
public sealed record MikuEndpoint(Uri BaseAddress, string? Key)
{
    /// <summary>Resolves the endpoint, or fails as a usage error saying what is missing.</summary>
    public static MikuEndpoint From(ConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var url = Blank(settings.Url) ?? Blank(Environment.GetEnvironmentVariable(ConnectionSettings.UrlVariable))
                  ?? throw new CliFailure(ExitCodes.Usage, $"Say where the API is: --url http://host:port or {ConnectionSettings.UrlVariable}.");
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new CliFailure(ExitCodes.Usage, $"'{url}' is not an http(s) address.");
        }

        return new MikuEndpoint(address, Blank(settings.Key) ?? Blank(Environment.GetEnvironmentVariable(ConnectionSettings.KeyVariable)));
    }

    /// <summary>
    /// <paramref name="text"/> with the key replaced by its masked form, for anything printed: a key must never reach a
    /// terminal, a CI log or a bug report.
    /// </summary>
    public string Mask(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.IsNullOrEmpty(Key) ? text : text.Replace(Key, MaskedKey, StringComparison.Ordinal);
    }

    /// <summary>The key as it may be shown: its prefix and last four characters.</summary>
    public string MaskedKey => Key is null ? "(none)" : Key.Length <= 12 ? "mkc_…" : $"{Key[..4]}…{Key[^4..]}";

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
