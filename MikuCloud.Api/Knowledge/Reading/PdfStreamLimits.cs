using System.IO.Compression;
using UglyToad.PdfPig.Filters;
using UglyToad.PdfPig.Tokens;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// PdfPig's stream filters with a size limit: PdfPig inflates a whole stream into memory, so a page's content stream (or
/// an image) of a few kilobytes can expand to gigabytes. A FlateDecode stream is first inflated here into nothing,
/// counting, and refused past the limit (<see cref="KnowledgeReadingOptions.MaxPdfContentBytes"/> for page content,
/// <see cref="KnowledgeReadingOptions.MaxPdfImageBytes"/> for images) before PdfPig decodes it for real.
/// </summary>
internal sealed class PdfStreamLimits(KnowledgeReadingOptions limits) : IFilterProvider
{
    private readonly IFilterProvider defaults = DefaultFilterProvider.Instance;

    public IReadOnlyList<IFilter> GetFilters(DictionaryToken dictionary) => [.. defaults.GetFilters(dictionary).Select(Bound)];

    public IReadOnlyList<IFilter> GetNamedFilters(IReadOnlyList<NameToken> names) => [.. defaults.GetNamedFilters(names).Select(Bound)];

    public IReadOnlyList<IFilter> GetAllFilters() => [.. defaults.GetAllFilters().Select(Bound)];

    private BoundedFilter Bound(IFilter filter) => new(filter, limits);

    private sealed class BoundedFilter(IFilter inner, KnowledgeReadingOptions limits) : IFilter
    {
        public bool IsSupported => inner.IsSupported;

        public Memory<byte> Decode(Memory<byte> input, DictionaryToken streamDictionary, IFilterProvider filterProvider, int filterIndex)
        {
            var image = streamDictionary.Data.TryGetValue("Subtype", out var subtype) && subtype is NameToken { Data: "Image" };
            var limit = image ? limits.MaxPdfImageBytes : limits.MaxPdfContentBytes;
            if (inner is FlateFilter)
            {
                Inflated(input, limit);
            }

            var output = inner.Decode(input, streamDictionary, filterProvider, filterIndex);
            return output.Length <= limit ? output : throw TooLarge(limit);
        }

        /// <summary>Inflates into a scratch buffer, counting, and throws past <paramref name="limit"/>: nothing is kept.</summary>
        private static void Inflated(Memory<byte> input, long limit)
        {
            var compressed = input.Span;
            if (compressed.Length < 2)
            {
                return; // PdfPig decides what an empty or broken stream is
            }

            using var source = new MemoryStream(input.ToArray(), writable: false);
            source.Position = 2; // the zlib header; PdfPig is lenient about the checksum at the end, so read raw deflate
            using var inflater = new DeflateStream(source, CompressionMode.Decompress);
            var scratch = new byte[64 * 1024];
            long total = 0;
            try
            {
                int read;
                while ((read = inflater.Read(scratch)) > 0)
                {
                    total += read;
                    if (total > limit)
                    {
                        throw TooLarge(limit);
                    }
                }
            }
            catch (InvalidDataException)
            {
                // Damaged data: PdfPig's own decoder recovers what it can (or fails, and the reader says the file is damaged).
            }
        }

        private static KnowledgeReadException TooLarge(long limit) => new(ProblemCodes.KnowledgeFileTooLarge,
            $"A page of the PDF expands to more than {limit / (1 << 20):N0} MiB (a decompression bomb?).");
    }
}
