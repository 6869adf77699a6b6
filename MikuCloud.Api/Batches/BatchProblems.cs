namespace MikuCloud.Api.Batches;

/// <summary>The refusals the batch endpoints throw (answered by <see cref="ApiProblemHandler"/>, each with its <c>code</c>).</summary>
internal static class BatchProblems
{
    /// <summary>Unknown, malformed and another user's ids alike.</summary>
    internal static ApiProblem NotFound(Guid id) =>
        new(StatusCodes.Status404NotFound, ProblemCodes.BatchNotFound, $"There is no batch {id}.") { Title = "Batch not found" };

    internal static ApiProblem ItemNotFound(Guid id) =>
        new(StatusCodes.Status404NotFound, ProblemCodes.BatchNotFound, $"There is no batch item {id}.") { Title = "Batch item not found" };

    internal static ApiProblem NotDraft(string status) =>
        new(StatusCodes.Status409Conflict, ProblemCodes.BatchNotDraft,
            $"Items can be added only to a draft batch (create it with start=false); this one is {status}.");

    internal static ApiProblem Finished(string status) =>
        new(StatusCodes.Status409Conflict, ProblemCodes.BatchFinished, $"The batch is {status}; nothing is left to do.");

    internal static ApiProblem ItemNotRetryable(string status) =>
        new(StatusCodes.Status409Conflict, ProblemCodes.BatchItemNotRetryable,
            $"Only a failed or cancelled item whose image is still stored can be retried; this one is {status}.");

    internal static ApiProblem TooManyItems(int limit) =>
        new(StatusCodes.Status429TooManyRequests, ProblemCodes.BatchItemLimit,
            $"A batch holds at most {limit:N0} items. Nothing of this upload was kept; split the job into several batches.");

    internal static ApiProblem StorageQuota(long limit) =>
        new(StatusCodes.Status429TooManyRequests, ProblemCodes.BatchStorageQuota,
            $"This account already stores {limit / 1048576.0:N0} MB of images waiting to be answered. Nothing of this upload was kept; " +
            "send again when running batches have answered more items, or delete batches.", retryAfterSeconds: 60);

    internal static ApiProblem TooManyBatches(int limit) =>
        new(StatusCodes.Status429TooManyRequests, ProblemCodes.TooManyBatches,
            $"This account has {limit} unfinished batches (draft, queued or running). Wait for one to finish, or cancel or delete one.",
            retryAfterSeconds: 60);

    /// <summary>400 <c>invalid_request</c> naming the fields that are not valid.</summary>
    internal static ApiProblem Invalid(IDictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest, "Some fields are not valid.", errors);
}
