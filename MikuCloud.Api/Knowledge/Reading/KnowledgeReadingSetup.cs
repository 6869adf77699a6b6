namespace MikuCloud.Api.Knowledge;

/// <summary>Registers reading and chunking (<see cref="DocumentReaders"/>, <see cref="KnowledgeChunker"/>) with their options.</summary>
public static class KnowledgeReadingSetup
{
    /// <summary>Adds the readers and the chunker; needs the image pipeline (registered by the chat setup).</summary>
    public static IServiceCollection AddKnowledgeReading(this IServiceCollection services)
    {
        services.AddOptions<KnowledgeReadingOptions>().BindConfiguration(KnowledgeReadingOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DocumentReaders>();
        services.AddSingleton<KnowledgeChunker>();
        return services;
    }
}
