namespace MikuCloud.Api.OpenAi;

/// <summary>Registers the OpenAI-compatible door: its model ids and its error shape.</summary>
public static class OpenAiSetup
{
    public static IHostApplicationBuilder AddOpenAiDoor(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Before AddProblemDetails' default writer: IProblemDetailsService asks writers in registration order.
        builder.Services.AddSingleton<IProblemDetailsWriter, OpenAiProblemWriter>();
        builder.Services.AddSingleton<OpenAiModelIds>();
        return builder;
    }

    public static IEndpointRouteBuilder MapOpenAiEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapOpenAiModelEndpoints();
        app.MapOpenAiChatEndpoints();
        return app;
    }
}
