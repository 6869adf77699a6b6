using MikuCloud.Api.OpenAi.ImageUrls;

namespace MikuCloud.Api.OpenAi;

/// <summary>Registers the OpenAI-compatible door: its model ids, its error shape, its embeddings and its image URL fetching.</summary>
public static class OpenAiSetup
{
    public static IHostApplicationBuilder AddOpenAiDoor(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Before AddProblemDetails' default writer: IProblemDetailsService asks writers in registration order.
        builder.Services.AddSingleton<IProblemDetailsWriter, OpenAiProblemWriter>();
        builder.Services.AddSingleton<OpenAiModelIds>();
        builder.Services.AddScoped<OpenAiEmbeddings>();
        builder.Services.AddImageUrlFetching();
        return builder;
    }

    public static IEndpointRouteBuilder MapOpenAiEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapOpenAiModelEndpoints();
        app.MapOpenAiChatEndpoints();
        app.MapOpenAiEmbeddingEndpoints();
        return app;
    }
}
