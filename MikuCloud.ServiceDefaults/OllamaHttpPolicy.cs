using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The HTTP policy for calls to Ollama. The standard resilience handler is wrong for an LLM:
/// its 10 s attempt / 30 s total timeouts kill a first call that must load an 8B model and prefill
/// several images, and its retries would send a chat twice (a second, paid-for generation).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Time to response headers is bounded by <see cref="OllamaHttpPolicyOptions.ResponseHeadersTimeout"/>
/// (default 10 minutes: a cold model load plus prefill). A streaming body is not bounded here: the caller's
/// cancellation (client disconnect) ends it.</item>
/// <item>Only idempotent reads (GET, HEAD) and <c>/api/show</c> are retried, on connection failures and 502/504.
/// A chat, generate, pull, create or delete POST is never retried.</item>
/// <item>No circuit breaker: with one GPU server, slow is normal and must not turn into "unavailable".</item>
/// <item>No draining: by default a disposed, unfinished response is read on (up to 1 MB / 2 s) to reuse the
/// connection — for a generation that means Ollama keeps generating after the user has gone. With
/// <c>MaxResponseDrainSize = 0</c> disposal closes the socket and Ollama stops at once.</item>
/// </list>
/// </remarks>
public static class OllamaHttpPolicy
{
    /// <summary>Name of the resilience pipeline, visible in telemetry.</summary>
    public const string PipelineName = "ollama";

    /// <summary>
    /// Replaces any resilience handlers on <paramref name="builder"/> with the Ollama policy and lifts
    /// <see cref="HttpClient.Timeout"/>, which would otherwise end streams after 100 s.
    /// </summary>
    public static IHttpClientBuilder AddOllamaResilienceHandler(this IHttpClientBuilder builder, Action<OllamaHttpPolicyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new OllamaHttpPolicyOptions();
        configure?.Invoke(options);

        builder.ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan);
        builder.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
        {
            MaxResponseDrainSize = 0,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        });
        // Experimental API, but the supported way to opt one client out of ConfigureHttpClientDefaults.
#pragma warning disable EXTEXP0001
        builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.AddResilienceHandler(PipelineName, pipeline =>
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxReadRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Context, args.Outcome)),
            });
            pipeline.AddTimeout(new TimeoutStrategyOptions { Timeout = options.ResponseHeadersTimeout });
        });
        return builder;
    }

    /// <summary>True when the request is a read that is safe to repeat and the failure is transient.</summary>
    public static bool IsRetryable(ResilienceContext context, Outcome<HttpResponseMessage> outcome)
    {
        var request = context.GetRequestMessage();
        if (request is null || !IsIdempotentRead(request))
        {
            return false;
        }

        return outcome.Exception is HttpRequestException or TimeoutRejectedException
               || outcome.Result?.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout;
    }

    /// <summary>GET/HEAD, and <c>POST /api/show</c>, which only reads model metadata.</summary>
    public static bool IsIdempotentRead(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head)
        {
            return true;
        }

        return request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.EndsWith("/api/show", StringComparison.Ordinal) == true;
    }
}

/// <summary>Knobs for <see cref="OllamaHttpPolicy"/>.</summary>
public sealed class OllamaHttpPolicyOptions
{
    /// <summary>Longest wait for Ollama's response headers (model load + prefill). Default 10 minutes.</summary>
    public TimeSpan ResponseHeadersTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Retries for idempotent reads only. Default 2.</summary>
    public int MaxReadRetries { get; set; } = 2;
}
