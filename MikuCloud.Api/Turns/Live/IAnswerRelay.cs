namespace MikuCloud.Api.Turns.Live;

/// <summary>
/// How replicas tell each other about answers: the deltas of answers generating elsewhere (for a reader attached
/// here) and Stop requests for them. One process with SQLite needs none (<see cref="InProcessAnswerRelay"/>); replicas
/// sharing PostgreSQL use its LISTEN/NOTIFY (<see cref="PostgresAnswerRelay"/>).
/// </summary>
public interface IAnswerRelay
{
    /// <summary>The deltas of <paramref name="answerId"/> generating on another replica, from now on.</summary>
    RelayedAnswerFeed Subscribe(Guid answerId);

    /// <summary>Asks the replica generating <paramref name="answerId"/> to stop it (ownership is checked before).</summary>
    Task RequestStopAsync(Guid answerId, CancellationToken cancellationToken);
}
