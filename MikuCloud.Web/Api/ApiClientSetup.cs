using System.Net;
using Microsoft.Extensions.Http.Resilience;
using MikuCloud.Web.Auth;
using MikuCloud.Web.Knowledge;
using Polly;
using Polly.Timeout;

namespace MikuCloud.Web.Api;

/// <summary>Registers <see cref="MikuApiClient"/> with an HTTP policy that suits a chat API.</summary>
public static class ApiClientSetup
{
    /// <summary>
    /// The service-defaults pipeline (10 s attempts, 30 s total, retries on every method) is wrong for chat:
    /// an answer streams for minutes, and retrying <c>POST …/messages</c> would send the user's message twice.
    /// So: <see cref="HttpClient.Timeout"/> off (a stream ends when the user stops it or the API finishes), a bound on
    /// the wait for response headers only, and retries only for GETs.
    /// </summary>
    public static IServiceCollection AddMikuApiClient(this IServiceCollection services, IConfiguration configuration)
    {
        var baseAddress = new Uri(configuration["Api:BaseAddress"] ?? "https+http://api");
        Configure(services.AddHttpClient<MikuApiClient>(c => Configure(c, baseAddress)));
        services.AddTransient<IMikuApi>(sp => sp.GetRequiredService<MikuApiClient>());
        Configure(services.AddHttpClient<MikuBatchClient>(c => Configure(c, baseAddress)));
        services.AddTransient<IMikuBatchApi>(sp => sp.GetRequiredService<MikuBatchClient>());
        Configure(services.AddHttpClient<MikuUsageClient>(c => Configure(c, baseAddress)));
        Configure(services.AddHttpClient<MikuKnowledgeClient>(c => Configure(c, baseAddress)));
        services.AddTransient<IMikuKnowledgeApi>(sp => sp.GetRequiredService<MikuKnowledgeClient>());
        // The account clients: same API, same policy; they differ in whose token they send.
        Configure(services.AddHttpClient<MikuAuthClient>(c => Configure(c, baseAddress)));
        Configure(services.AddHttpClient<MikuAccountClient>(c => Configure(c, baseAddress)));
        Configure(services.AddHttpClient<MikuModelAdminClient>(c => Configure(c, baseAddress)));
        services.AddSingleton<PublicApiAddress>();
        return services;
    }

    private static void Configure(HttpClient client, Uri baseAddress)
    {
        client.BaseAddress = baseAddress;
        client.Timeout = Timeout.InfiniteTimeSpan;
    }

    private static void Configure(IHttpClientBuilder builder)
    {
        // Trace-level HttpClient logs list headers; every value is redacted (.NET 9's default, made explicit here
        // because the Authorization header carries a user token).
        builder.RedactLoggedHeaders(static _ => true);
        // Stop must stop: a disposed, unfinished answer stream closes the socket at once, so the API sees the disconnect
        // and cancels Ollama. By default .NET keeps reading (up to 1 MB / 2 s) to reuse the connection.
        builder.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
        {
            MaxResponseDrainSize = 0,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        });

#pragma warning disable EXTEXP0001 // the supported way to opt one client out of ConfigureHttpClientDefaults
        builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.AddResilienceHandler("miku-api", pipeline =>
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(300),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Context.GetRequestMessage()?.Method == HttpMethod.Get
                    && (args.Outcome.Exception is HttpRequestException or TimeoutRejectedException
                        || args.Outcome.Result?.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout)),
            });
            // Headers only (ResponseHeadersRead): the API answers a chat's headers once the user message is saved,
            // which includes image preprocessing; two minutes is generous for that and short for a hung API.
            pipeline.AddTimeout(TimeSpan.FromMinutes(2));
        });
    }
}
