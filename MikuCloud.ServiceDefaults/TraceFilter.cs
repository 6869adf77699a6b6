using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Which requests start a trace. A trace should be something a person did: a chat turn, a page, an API call. Probes
/// (<c>/health</c>, <c>/alive</c>: the AppHost and kubelet call them every few seconds), static files (scripts,
/// styles, fonts, images: dozens per page load) and the Blazor circuit's own connection (<c>/_blazor</c>: one request
/// that lives as long as the tab) are left out, and so are the calls a probe makes (the API's readiness check asks
/// Ollama for the model on every <c>/health</c>).
/// </summary>
public static class TraceFilter
{
    /// <summary>File types that are only ever static assets.</summary>
    private static readonly HashSet<string> StaticExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".js", ".mjs", ".css", ".map", ".wasm", ".ico", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif",
        ".woff", ".woff2", ".ttf", ".otf", ".eot", ".txt", ".webmanifest",
    };

    /// <summary>Whether an incoming request is traced.</summary>
    public static bool IsTraced(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path;
        return !path.StartsWithSegments(Extensions.HealthEndpointPath)
               && !path.StartsWithSegments(Extensions.AlivenessEndpointPath)
               && !path.StartsWithSegments("/_framework")
               && !path.StartsWithSegments("/_content")
               && !path.StartsWithSegments("/_blazor")
               && !StaticExtensions.Contains(Path.GetExtension(path.Value ?? ""));
    }

    /// <summary>
    /// Whether an outgoing call is traced: not when it is made while serving a request that is not (a probe), so the
    /// readiness check's call to Ollama does not turn up as a trace of its own.
    /// </summary>
    public static bool IsOutgoingTraced()
    {
        // Activity.Current is the outgoing call's own span (a client span) here; the request it runs under decides.
        for (var span = Activity.Current; span is not null; span = span.Parent)
        {
            if (span.Kind == ActivityKind.Server)
            {
                return span.Recorded;
            }
        }

        return true;
    }
}
