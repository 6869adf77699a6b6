namespace MikuCloud.Web.Chat;

/// <summary>Which exceptions mean "the API did not answer as expected" rather than a bug in the page.</summary>
public static class ApiFailure
{
    /// <summary>
    /// A refusal (<see cref="Api.ApiException"/>), an unreachable or timed-out API, or a body that is not what the
    /// contract says: the page explains these and stays usable; anything else is a bug and surfaces as one.
    /// </summary>
    public static bool IsTransport(Exception ex) =>
        ex is HttpRequestException or Api.ApiException or System.Text.Json.JsonException or TaskCanceledException or TimeoutException
            or Polly.Timeout.TimeoutRejectedException;
}
