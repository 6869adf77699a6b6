using MikuCloud.HouseModels;

namespace MikuCloud.Api.Models;

/// <summary>
/// One model provisioned on every replica at once, reported as one progress: the replica furthest behind (earliest
/// stage, then lowest percent), its message naming it when there are several. Thread-safe: the replicas report concurrently.
/// </summary>
public sealed class ReplicaProvisionProgress(IReadOnlyList<Uri> replicas, Action<ProvisionProgress> report)
{
    private readonly Lock gate = new();
    private readonly Dictionary<Uri, ProvisionProgress> latest = [];

    /// <summary>Where <paramref name="replica"/> reports.</summary>
    public IProgress<ProvisionProgress> For(Uri replica) => new Reporter(this, replica);

    private void Report(Uri replica, ProvisionProgress progress)
    {
        lock (gate)
        {
            latest[replica] = progress;
            var (behind, slowest) = replicas.Select(r => (Replica: r, Progress: latest.GetValueOrDefault(r) ?? new ProvisionProgress(ProvisionStage.Checking, null, "Waiting")))
                .OrderBy(p => p.Progress.Stage).ThenBy(p => p.Progress.Percent ?? 0).First();
            var ready = replicas.Count(r => latest.GetValueOrDefault(r)?.Stage == ProvisionStage.Ready);
            report(replicas.Count == 1 ? slowest : slowest with { Message = $"{ready}/{replicas.Count} replicas ready · {behind.Authority}: {slowest.Message}" });
        }
    }

    private sealed class Reporter(ReplicaProvisionProgress owner, Uri replica) : IProgress<ProvisionProgress>
    {
        public void Report(ProvisionProgress value) => owner.Report(replica, value);
    }
}
