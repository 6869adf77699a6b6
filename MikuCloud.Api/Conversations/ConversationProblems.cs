using Microsoft.AspNetCore.Http.HttpResults;

namespace MikuCloud.Api.Conversations;

/// <summary>The problems the conversation endpoints answer with as typed values (each with its <c>code</c>).</summary>
internal static class ConversationProblems
{
    internal static ProblemHttpResult ConversationNotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Conversation not found", detail: $"There is no conversation {id}.",
            extensions: Code(ProblemCodes.ConversationNotFound));

    internal static ProblemHttpResult ImageNotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Image not found", detail: $"There is no image {id}.",
            extensions: Code(ProblemCodes.ImageNotFound));

    internal static ValidationProblem AsValidationProblem(ApiProblem problem) =>
        TypedResults.ValidationProblem(problem.Errors!, problem.Message, extensions: Code(problem.Code));

    /// <summary>The <c>code</c> extension every problem carries (these typed results are answered as values, not thrown).</summary>
    internal static Dictionary<string, object?> Code(string code) => new() { ["code"] = code };
}
