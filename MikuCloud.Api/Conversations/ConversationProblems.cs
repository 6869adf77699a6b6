namespace MikuCloud.Api.Conversations;

/// <summary>The refusals the conversation endpoints throw (answered by <see cref="ApiProblemHandler"/>, each with its <c>code</c>).</summary>
internal static class ConversationProblems
{
    internal static ApiProblem ConversationNotFound(Guid id) =>
        new(StatusCodes.Status404NotFound, ProblemCodes.ConversationNotFound, $"There is no conversation {id}.") { Title = "Conversation not found" };

    internal static ApiProblem ImageNotFound(Guid id) =>
        new(StatusCodes.Status404NotFound, ProblemCodes.ImageNotFound, $"There is no image {id}.") { Title = "Image not found" };

    /// <summary>400 <c>invalid_request</c> naming the fields that are not valid.</summary>
    internal static ApiProblem Invalid(IDictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest, "Some fields are not valid.", errors);
}
