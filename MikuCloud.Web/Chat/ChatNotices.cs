using MikuCloud.Web.Api;
using MikuCloud.Web.Components.Chat;
using MikuCloud.Web.Localization;

namespace MikuCloud.Web.Chat;

/// <summary>
/// The one notice above the composer (busy, unreachable, refused…), what its retry button does, and the busy
/// countdown that retries by itself. It turns the API's refusals into the UI's words, so the session only says
/// <em>what</em> failed and <em>how to try again</em>.
/// </summary>
/// <param name="text">The UI's words.</param>
/// <param name="dispatch">
/// Runs the countdown's automatic retry where the page's state may be touched (the page passes its renderer's
/// <c>InvokeAsync</c>): the countdown ticks on a timer thread.
/// </param>
public sealed class ChatNotices(UiText text, Func<Func<Task>, Task> dispatch) : IDisposable
{
    /// <summary>Automatic resends after "busy" (429) before the user is asked to retry.</summary>
    public const int MaxBusyRetries = 3;

    private CancellationTokenSource? countdown;
    private Func<Task>? retry;
    private int busyRetries;

    /// <summary>Raised when <see cref="Current"/> changes (possibly from the countdown's timer).</summary>
    public event Action? Changed;

    /// <summary>What the banner shows now, if anything.</summary>
    public ChatNotice? Current { get; private set; }

    /// <summary>Shows <paramref name="notice"/>; its retry button runs <paramref name="onRetry"/>.</summary>
    public void Show(ChatNotice notice, Func<Task>? onRetry = null)
    {
        Current = notice;
        retry = onRetry;
        Changed?.Invoke();
    }

    /// <summary>Takes the notice away and stops a running countdown (a new send, another conversation, dismiss).</summary>
    public void Clear()
    {
        countdown?.Cancel();
        countdown = null;
        retry = null;
        if (Current is not null)
        {
            Current = null;
            Changed?.Invoke();
        }
    }

    /// <summary>The API took a message: the next "busy" starts counting automatic resends from zero again.</summary>
    public void Accepted() => busyRetries = 0;

    /// <summary>The banner's retry button: clears the notice, then runs what it offered.</summary>
    public async Task RetryAsync()
    {
        var action = retry;
        Clear();
        if (action is not null)
        {
            await action();
        }
    }

    /// <summary>
    /// The API refused before taking anything. With <paramref name="countdown"/> (a send) a plain "busy" counts down
    /// Retry-After and then runs <paramref name="onRetry"/> by itself, up to <see cref="MaxBusyRetries"/> times; without
    /// it (regenerate) the user is told when to try again.
    /// </summary>
    public void ShowRefusal(ApiException ex, Func<Task> onRetry, bool countdown)
    {
        var code = ex.Problem?.Code;
        var ownLimit = code is ProblemCodes.RateLimited or ProblemCodes.TokenLimit or ProblemCodes.TooManyStreams;
        if (ex.IsBusy && !countdown)
        {
            // Busy for everyone, or one of this user's own limits (a code): say which, and when to try again.
            var busyText = ownLimit ? text.Format("state.limit.generic", text.Wait(ex.RetryAfter ?? TimeSpan.FromSeconds(10))) : text["state.busyNow"];
            Show(new ChatNotice(NoticeKind.Busy, busyText, CanRetry: true, TestId: "busy"), onRetry);
            return;
        }

        if (ex.IsBusy && code == ProblemCodes.ImageQuota)
        {
            // A per-user quota that waiting does not lift (deleting conversations does): say so, never resend by itself.
            busyRetries = 0;
            Show(new ChatNotice(NoticeKind.Warning, text["state.limit.image_quota"], TestId: "image-quota"));
            return;
        }

        if (ex.IsBusy)
        {
            if (++busyRetries <= MaxBusyRetries)
            {
                StartCountdown(ex.RetryAfter ?? TimeSpan.FromSeconds(5), ownLimit ? $"state.limit.{code}" : "state.busy", onRetry);
            }
            else
            {
                busyRetries = 0;
                Show(new ChatNotice(NoticeKind.Busy, text["state.busyNow"], CanRetry: true, TestId: "busy"), onRetry);
            }

            return;
        }

        var words = (int)ex.Status switch
        {
            409 when code == ProblemCodes.AnswerInProgress => text["state.inProgress"],
            400 when code == ProblemCodes.ContextOverflow => text["state.contextOverflow"],
            // The service's own storage (history database, scale-out's Redis), not the model: a different thing to wait for.
            503 when code is ProblemCodes.DatabaseUnavailable or ProblemCodes.SharedStateUnavailable => text["state.storageUnavailable"],
            503 => text["state.unavailable"],
            413 => text["state.tooLarge"],
            415 => text["state.unsupported"],
            404 => text["state.notFound"],
            400 => text.Format("state.invalid", Describe(ex.Problem)),
            _ => text.Format("state.unexpected", Describe(ex.Problem)),
        };
        Show(new ChatNotice(ex.IsUnavailable ? NoticeKind.Warning : NoticeKind.Error, words, CanRetry: (int)ex.Status is 503 or >= 500,
            TestId: ex.IsUnavailable ? "unavailable" : "refused"), onRetry);
    }

    /// <summary>The problem's own words: validation errors, else its detail or title.</summary>
    public static string Describe(ProblemDto? problem)
    {
        if (problem?.Errors is { Count: > 0 } errors)
        {
            return string.Join(" ", errors.SelectMany(e => e.Value));
        }

        return problem?.Detail ?? problem?.Title ?? "";
    }

    /// <summary>Busy (429): counts Retry-After down on the banner, then retries by itself.</summary>
    private void StartCountdown(TimeSpan wait, string key, Func<Task> onRetry)
    {
        countdown?.Cancel();
        var cts = countdown = new CancellationTokenSource();
        var seconds = (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, 300);
        _ = RunAsync();

        async Task RunAsync()
        {
            try
            {
                for (var left = seconds; left > 0; left--)
                {
                    Show(new ChatNotice(NoticeKind.Busy, text.Format(key, left), CanRetry: true, TestId: "busy"), onRetry);
                    await Task.Delay(1000, cts.Token);
                }

                await dispatch(async () =>
                {
                    if (ReferenceEquals(countdown, cts))
                    {
                        await RetryAsync();
                    }
                });
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Stops the countdown (the page is gone).</summary>
    public void Dispose()
    {
        countdown?.Cancel();
        countdown = null;
    }
}
