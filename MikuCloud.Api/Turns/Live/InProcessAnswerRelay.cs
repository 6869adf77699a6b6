namespace MikuCloud.Api.Turns.Live;

/// <summary>
/// One API process (SQLite): every answer that can be generated is generated here, in <see cref="LiveAnswers"/>; an
/// answer still <c>streaming</c> in the database but not live here has lost its writer and is only waited out until the sweep.
/// </summary>
public sealed class InProcessAnswerRelay : IAnswerRelay
{
    /// <inheritdoc />
    public RelayedAnswerFeed Subscribe(Guid answerId) => RelayedAnswerFeed.None();

    /// <inheritdoc />
    public Task RequestStopAsync(Guid answerId, CancellationToken cancellationToken) => Task.CompletedTask;
}
