namespace MikuCloud.Contracts;

/// <summary>
/// How a client reads the API's refusals: RFC 7807 problem details (<c>application/problem+json</c>) with the API's
/// extensions. <see cref="Code"/> says what happened (<c>invalid_request</c>, <c>login_throttled</c>, …),
/// <see cref="Errors"/> lists validation problems by field, <see cref="MessageId"/> is set when the user's message was
/// saved before the model refused (retry = regenerate), <see cref="ConversationId"/> names the conversation a new chat's
/// first message created before that refusal, and <see cref="RetryAfterSeconds"/> repeats <c>Retry-After</c>.
/// </summary>
/// <remarks>
/// Read-only for clients: the API writes these with ASP.NET Core's problem details (see its <c>ApiProblem</c>), which
/// its OpenAPI document describes as <c>ProblemDetails</c>/<c>HttpValidationProblemDetails</c>.
/// </remarks>
public sealed record ProblemDto(string? Type, string? Title, int? Status, string? Detail, IReadOnlyDictionary<string, string[]>? Errors, string? Code,
    Guid? MessageId = null, int? RetryAfterSeconds = null, Guid? ConversationId = null);
