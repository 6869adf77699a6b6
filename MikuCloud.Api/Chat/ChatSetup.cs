using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Images;
using MikuCloud.Api.Models;

namespace MikuCloud.Api.Chat;

/// <summary>Registers the chat path: the IChatClient over OllamaSharp, images, prompt building, admission.</summary>
public static class ChatSetup
{
    public static IHostApplicationBuilder AddChat(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ChatServerOptions>().BindConfiguration("Chat");
        services.AddOptions<ImagePipelineOptions>().BindConfiguration(ImagePipelineOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new ImagePipeline(sp.GetRequiredService<IOptions<ImagePipelineOptions>>().Value));
        services.AddSingleton<ChatTelemetry>();
        services.AddSingleton<TokenEstimator>();
        services.AddSingleton<PromptBuilder>();
        services.AddSingleton<AdmissionControl>();
        services.AddSingleton<ActiveTurns>();
        services.AddSingleton<IncomingMessageReader>();
        services.AddSingleton<Turns.TurnTelemetry>();
        services.AddScoped<Turns.TurnGate>();
        services.AddScoped<Turns.TurnStore>();
        services.AddScoped<Usage.AnswerUsageLog>();
        services.AddScoped<Usage.UsageAnalytics>();
        services.AddSingleton<Turns.TurnImages>();
        services.AddScoped<Turns.TurnPrompt>();
        services.AddSingleton<Turns.TurnRouting>();
        services.AddScoped<Turns.AnswerRunner>();
        services.AddScoped<Turns.TurnEngine>();
        services.AddScoped<Knowledge.ConversationKnowledgeStore>();
        services.AddScoped<Knowledge.TurnKnowledge>();
        services.AddOptions<Knowledge.KnowledgeChatOptions>().BindConfiguration(Knowledge.KnowledgeChatOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // Answers outlive their readers: a registry to attach to, a checkpoint of their text, a sweep for those whose writer died.
        services.AddSingleton<Turns.Live.LiveAnswers>();
        services.AddScoped<Turns.Live.AnswerFollower>();
        services.AddScoped<Turns.Live.RemoteAnswerFollower>();
        services.AddHostedService<Turns.Live.LiveAnswerCheckpoints>();
        services.AddHostedService<Turns.Live.StaleAnswerSweeper>();
        services.TryAddSingleton<Turns.Live.IAnswerRelay, Turns.Live.InProcessAnswerRelay>(); // PostgreSQL replaces it (ChatDatabaseSetup)

        // The handlers every chat call shares; each call puts its own OllamaStreamWatchHandler on top (WatchedOllamaChatClient).
        services.AddHttpClient(WatchedOllamaChatClient.HttpClientName)
            .AddOllamaResilienceHandler();

        var recordContent = builder.Configuration.GetValue<bool>("Chat:RecordContentInTelemetry");
        var pipeline = services.AddChatClient(sp => new WatchedOllamaChatClient(sp.GetRequiredService<IHttpMessageHandlerFactory>(), sp.GetRequiredService<OllamaEndpoint>()))
            // GenAI semantic-convention spans and metrics on the default source/meter Experimental.Microsoft.Extensions.AI
            // (ServiceDefaults registers it; MikuCloud's own instruments are on MikuCloud.Chat). Prompts and
            // answers are recorded only when Chat:RecordContentInTelemetry is true.
            .UseOpenTelemetry(configure: o => o.EnableSensitiveData = recordContent);
        if (recordContent)
        {
            // LoggingChatClient writes whole prompts, system prompts, image data URIs (~200 KB each) and answers at
            // Trace: only with the switch on. Without it, all it would add is an Error with a stack trace for each failed
            // or stopped call, whose outcome AnswerStream logs itself (a Warning with Ollama's message for a failure).
            pipeline.UseLogging();
        }

        // Innermost (added last): turns how Ollama's stream really ended into what the layers above understand.
        pipeline.Use(inner => new OllamaOutcomeChatClient(inner));
        return builder;
    }
}
