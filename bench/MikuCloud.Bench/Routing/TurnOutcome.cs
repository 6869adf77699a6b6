namespace MikuCloud.Bench.Routing;

/// <summary>How a simulated turn ended.</summary>
public enum TurnOutcome
{
    /// <summary>Still waiting or streaming when the run ended.</summary>
    Pending,

    /// <summary>The whole answer arrived.</summary>
    Answered,

    /// <summary>It never started streaming: every attempt failed (the user saw an error and retried by hand).</summary>
    Lost,

    /// <summary>Its replica died while the answer streamed (the user saw it stop and retried by hand).</summary>
    Cut,
}
