namespace MikuCloud.Api.Knowledge;

/// <summary>Registers knowledge bases: options, reading (<see cref="KnowledgeReadingSetup"/>), the endpoints' services, uploads, and the ingestion queue, worker and recovery.</summary>
public static class KnowledgeSetup
{
    public static IHostApplicationBuilder AddKnowledge(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<KnowledgeOptions>().BindConfiguration(KnowledgeOptions.SectionName);
        services.AddKnowledgeReading();
        services.AddSingleton<KnowledgeSignals>();
        services.AddSingleton<KnowledgeIngestionTelemetry>();
        services.AddScoped<KnowledgeStore>();
        services.AddScoped<KnowledgeRemoval>();
        services.AddScoped<KnowledgeDocumentIntake>();
        services.AddScoped<KnowledgeIngestionQueue>();
        services.AddScoped<KnowledgePageVision>();
        services.AddScoped<KnowledgeDocumentIngester>();
        services.AddHostedService<KnowledgeIngestionWorker>();
        services.AddHostedService<KnowledgeClaimRecovery>();
        return builder;
    }
}
