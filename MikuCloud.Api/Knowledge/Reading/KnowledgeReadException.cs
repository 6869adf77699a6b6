namespace MikuCloud.Api.Knowledge;

/// <summary>
/// A document that cannot be read: an unsupported type, a damaged or encrypted file, or one larger than allowed (too
/// many pages, a huge page, a zip bomb). The only exception the readers let out for a bad file, so ingestion marks the
/// document failed with <see cref="Code"/> instead of crashing. <see cref="Exception.Message"/> is safe to show the user.
/// </summary>
public sealed class KnowledgeReadException : Exception
{
    /// <summary>Creates a refusal with a problem code (one of <see cref="ProblemCodes"/>) and a sentence for the user.</summary>
    public KnowledgeReadException(string code, string message)
        : base(message) => Code = code;

    /// <summary>Creates a refusal that keeps the parser's own exception for the log.</summary>
    public KnowledgeReadException(string code, string message, Exception innerException)
        : base(message, innerException) => Code = code;

    /// <summary>The problem code: <see cref="ProblemCodes.KnowledgeUnsupportedType"/>, <see cref="ProblemCodes.KnowledgeFileCorrupt"/>, <see cref="ProblemCodes.KnowledgeFileTooLarge"/> or an image's code.</summary>
    public string Code { get; }
}
