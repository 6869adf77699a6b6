namespace MikuCloud.Api;

/// <summary>A request the API refuses (before streaming, or in the account endpoints), as RFC 7807 problem details with a <c>code</c>.</summary>
public sealed class ApiProblem(int status, string code, string detail, IDictionary<string, string[]>? errors = null, Guid? messageId = null, int? retryAfterSeconds = null)
    : Exception(detail)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public IDictionary<string, string[]>? Errors { get; } = errors;
    public Guid? MessageId { get; } = messageId;

    /// <summary>The conversation a refused first message created (it holds the saved question, to retry with regenerate).</summary>
    public Guid? ConversationId { get; init; }
    public int? RetryAfterSeconds { get; } = retryAfterSeconds;

    /// <summary>The problem's title; null for the status's usual one.</summary>
    public string? Title { get; init; }

    /// <summary>
    /// Answer with <c>Connection: close</c>: the refusal came before the body was read to its end, and the rest is not
    /// worth reading. A flag on the problem, not a header set early: the exception handler clears headers before it writes.
    /// </summary>
    public bool CloseConnection { get; set; }

    public IResult ToResult(HttpContext context)
    {
        if (CloseConnection)
        {
            context.Response.Headers.Connection = "close";
        }

        if (RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var extensions = new Dictionary<string, object?> { ["code"] = Code };
        if (MessageId is { } id)
        {
            extensions["messageId"] = id;
        }

        if (ConversationId is { } conversationId)
        {
            extensions["conversationId"] = conversationId;
        }

        if (RetryAfterSeconds is { } retry)
        {
            extensions["retryAfterSeconds"] = retry;
        }

        return Errors is { Count: > 0 }
            ? Results.ValidationProblem(Errors, Message, statusCode: Status, title: Title, extensions: extensions)
            : Results.Problem(Message, statusCode: Status, title: Title ?? DefaultTitle(Status), extensions: extensions);
    }

    private static string DefaultTitle(int status) => status switch
    {
        400 => "The request is not valid.",
        404 => "Not found.",
        409 => "Conflict.",
        413 => "Too large.",
        415 => "Unsupported content.",
        429 => "Busy, try again shortly.",
        503 => "The model is not available.",
        _ => "The request failed.",
    };

    /// <summary>A wait as whole <c>Retry-After</c> seconds: rounded up, at least 1 (0 would invite an immediate retry).</summary>
    public static int RetryAfter(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    public static ApiProblem Invalid(string field, string message) => new(400, ProblemCodes.InvalidRequest, message, new Dictionary<string, string[]> { [field] = [message] });
}
