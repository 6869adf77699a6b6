namespace MikuCloud.Api.Knowledge;

/// <summary>Registers knowledge search: the embedder, the in-process vector index, the index writer and the retriever.</summary>
public static class KnowledgeSearchSetup
{
    public static IHostApplicationBuilder AddKnowledgeSearch(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<KnowledgeVectorIndex>();
        builder.Services.AddScoped<KnowledgeEmbedder>();
        builder.Services.AddScoped<KnowledgeIndexWriter>();
        builder.Services.AddScoped<KnowledgeRetriever>();
        return builder;
    }
}
