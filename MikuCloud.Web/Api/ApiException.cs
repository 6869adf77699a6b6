using System.Net;

namespace MikuCloud.Web.Api;

/// <summary>
/// The API refused a request (problem details) — as opposed to <see cref="HttpRequestException"/>, which means it
/// could not be reached. The UI turns both into friendly, specific messages and never shows these texts raw
/// unless nothing better is known.
/// </summary>
public sealed class ApiException(HttpStatusCode status, ProblemDto? problem, TimeSpan? retryAfter)
    : Exception(problem?.Detail ?? problem?.Title ?? $"The API answered {(int)status}.")
{
    public HttpStatusCode Status { get; } = status;

    public ProblemDto? Problem { get; } = problem;

    /// <summary>From <c>Retry-After</c> on 429/503.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public bool IsBusy => Status == HttpStatusCode.TooManyRequests;

    public bool IsUnavailable => Status == HttpStatusCode.ServiceUnavailable;

    public bool IsNotFound => Status == HttpStatusCode.NotFound;
}
