namespace MikuCloud.Api.Knowledge;

/// <summary>The refusals the knowledge endpoints throw (answered by <see cref="ApiProblemHandler"/>, each with its <c>code</c>).</summary>
internal static class KnowledgeProblems
{
    /// <summary>Unknown, malformed, another user's (not shared) ids, and a shared base its reader tries to change, alike.</summary>
    internal static ApiProblem BaseNotFound(Guid id) =>
        new(StatusCodes.Status404NotFound, ProblemCodes.KnowledgeBaseNotFound, $"There is no knowledge base {id}.") { Title = "Knowledge base not found" };

    internal static ApiProblem DocumentNotFound(Guid id) =>
        new(StatusCodes.Status404NotFound, ProblemCodes.KnowledgeDocumentNotFound, $"There is no document {id}.") { Title = "Document not found" };

    internal static ApiProblem PageNotFound(Guid id, int number) =>
        new(StatusCodes.Status404NotFound, ProblemCodes.KnowledgeDocumentNotFound, $"Document {id} has no page {number} (yet).") { Title = "Page not found" };

    internal static ApiProblem ChunkNotFound(long id) =>
        new(StatusCodes.Status404NotFound, ProblemCodes.KnowledgeDocumentNotFound, $"There is no passage {id}.") { Title = "Passage not found" };

    internal static ApiProblem Busy(string status) =>
        new(StatusCodes.Status409Conflict, ProblemCodes.KnowledgeDocumentBusy,
            $"The document is {status} right now; re-index it once it is ready or failed.");

    internal static ApiProblem SharingIsForAdmins() =>
        new(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, "Only an admin may share a knowledge base with everyone.");
}
