namespace MikuCloud.Api.Knowledge;

/// <summary>Registers knowledge search: the embedder, the in-process vector index, the index writer, the retriever and its optional rerank step.</summary>
public static class KnowledgeSearchSetup
{
    public static IHostApplicationBuilder AddKnowledgeSearch(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<KnowledgeVectorIndex>();
        builder.Services.AddScoped<KnowledgeEmbedder>();
        builder.Services.AddScoped<KnowledgeIndexWriter>();
        builder.Services.AddScoped<KnowledgeRetriever>();
        builder.Services.AddOptions<KnowledgeRerankOptions>().BindConfiguration(KnowledgeRerankOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<KnowledgeReranker>();
        builder.Services.AddScoped<KnowledgeSearch>();
        return builder;
    }
}
