using Microsoft.Extensions.Options;
using MikuCloud.Api.Images;
using MikuCloud.Api.Knowledge;

namespace MikuCloud.Tests.Knowledge.Reading;

/// <summary>The readers and the chunker as the API builds them, with the default limits or the ones a test sets.</summary>
internal static class ReadingFixtures
{
    public static DocumentReaders Readers(Action<KnowledgeReadingOptions>? configure = null) =>
        new(new ImagePipeline(new ImagePipelineOptions()), Options.Create(Configure(configure)));

    public static KnowledgeChunker Chunker(Action<KnowledgeReadingOptions>? configure = null) => new(Options.Create(Configure(configure)));

    /// <summary>Opens and reads every page.</summary>
    public static IReadOnlyList<DocumentPage> ReadAll(this DocumentReaders readers, byte[] data, string mediaType)
    {
        using var document = readers.Open(data, mediaType);
        return [.. Enumerable.Range(1, document.PageCount).Select(document.Read)];
    }

    /// <summary>The problem code a read of <paramref name="data"/> fails with (open and every page).</summary>
    public static string ReadFailure(this DocumentReaders readers, byte[] data, string mediaType) =>
        Assert.Throws<KnowledgeReadException>(() => readers.ReadAll(data, mediaType)).Code;

    private static KnowledgeReadingOptions Configure(Action<KnowledgeReadingOptions>? configure)
    {
        var options = new KnowledgeReadingOptions();
        configure?.Invoke(options);
        return options;
    }
}
