using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MikuCloud.Api.OpenAi.ImageUrls;

/// <summary>Registers image URL fetching for <c>/v1</c>: its options, its address policy and its guarded HTTP client.</summary>
public static class ImageUrlFetchingSetup
{
    public static IServiceCollection AddImageUrlFetching(this IServiceCollection services)
    {
        services.AddOptions<ImageUrlFetchOptions>().BindConfiguration(ImageUrlFetchOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ImageFetchAddressPolicy>();
        services.AddSingleton<GuardedConnector>();
        services.AddScoped<ImageUrlFetchingSwitch>();
        services.AddScoped<ChatCompletionImages>();
        services.AddSingleton<RemoteImageFetcher>();

        services.AddHttpClient(RemoteImageFetcher.HttpClientName, c =>
            {
                c.Timeout = Timeout.InfiniteTimeSpan; // RemoteImageFetcher's deadline covers the whole fetch, redirects included
                c.DefaultRequestHeaders.UserAgent.ParseAdd("MikuCloud-ImageFetcher/1.0 (+OpenAI-compatible image_url)");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                ConnectCallback = sp.GetRequiredService<GuardedConnector>().ConnectAsync,
                AllowAutoRedirect = false, // followed by RemoteImageFetcher, which checks each hop's scheme; the connector checks its address
                UseProxy = false,          // a proxy would connect on our behalf, past the address check
                UseCookies = false,
                Credentials = null,
                PreAuthenticate = false,
                AutomaticDecompression = DecompressionMethods.None, // the size limit counts the bytes that arrive
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            })
            // Not the defaults' retries and service discovery: a retry would fetch again for the caller, and service
            // discovery would turn a host name like "ollama" into an internal endpoint.
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) => handlers.Clear())
            // The default logging writes each request's URL, which is message content.
            .RemoveAllLoggers();
        return services;
    }
}
